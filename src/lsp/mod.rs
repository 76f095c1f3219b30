//! `rulec lsp`: a language server for `.rules` files, over the Language Server Protocol.
//!
//! The server sees the workspace as `rulec check` sees a directory: every `.rules` file under
//! the workspace root is one catalog, with the editor's text for the files it holds open. A
//! file opened from outside the root is a catalog of its own. Diagnostics are the checker's,
//! with the same codes, messages and spans; after each change only the changed file is parsed
//! again, and the others are checked from their syntax trees.
//!
//! It answers hover, go to definition, find references, completion, document and workspace
//! symbols, formatting (exactly `rulec fmt`), a quick fix for every did-you-mean, rename of
//! types, schemas, targets and routes, and semantic tokens. Positions are in UTF-16 code units,
//! as the protocol says. Logs go to standard error, never to standard output.
//!
//! [`run`] serves a [`lsp_server::Connection`], over standard input and output
//! ([`run_stdio`]) or in memory, as the tests drive it.

mod features;
mod index;
mod project;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionParams, CompletionParams, Diagnostic, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, DocumentSymbolParams, FileChangeType, GotoDefinitionParams,
    HoverParams, InitializeParams, PublishDiagnosticsParams, ReferenceParams, RenameParams,
    SemanticTokensParams, TextDocumentPositionParams, Uri, WorkspaceSymbolParams,
};
use serde_json::Value;

use project::Project;
use text::{path_of, uri_of};

/// How many symbols a workspace symbol search answers at most.
const MAX_WORKSPACE_SYMBOLS: usize = 500;

/// Why the server stopped other than by `shutdown` and `exit`.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The protocol was not followed (no `initialize` first, a closed connection).
    #[error("language server protocol: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// Standard input or output failed.
    #[error("language server input or output: {0}")]
    Io(#[from] std::io::Error),
    /// `exit` came before `shutdown`: the protocol says the server then exits with 1.
    #[error("`exit` was received before `shutdown`")]
    ExitWithoutShutdown,
}

/// Serves the protocol over standard input and output until the client says `exit`.
pub fn run_stdio() -> Result<(), LspError> {
    let (connection, threads) = Connection::stdio();
    let outcome = run(&connection);
    drop(connection);
    threads.join()?;
    outcome
}

/// Serves the protocol on a connection: the `initialize` handshake, then every request and
/// notification until `shutdown` and `exit`.
pub fn run(connection: &Connection) -> Result<(), LspError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    connection.initialize_finish(id, capabilities())?;
    let root = root_of(&params);
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let mut server = Server::new(connection, root);
    if watch {
        server.watch_files();
    }
    server.publish();
    server.serve()
}

/// What the server announces it can do.
fn capabilities() -> Value {
    use lsp_types::{
        CodeActionProviderCapability, CompletionOptions, OneOf, RenameOptions,
        SemanticTokensFullOptions, SemanticTokensOptions, SemanticTokensServerCapabilities,
        ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    };
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), ":".into(), ">".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: features::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                ..SemanticTokensOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    };
    serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "rulec", "version": env!("CARGO_PKG_VERSION")},
    })
}

/// The workspace root: the first workspace folder, else the root URI; `None` when the client
/// opened single files.
#[expect(
    deprecated,
    reason = "clients that predate workspace folders still send only `rootUri`"
)]
fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri)
        .or(params.root_uri.as_ref())
        .and_then(path_of)
}

/// The server's state: the workspace catalog, the catalogs of files opened from outside it,
/// and what was last published.
struct Server<'c> {
    connection: &'c Connection,
    workspace: Option<Project>,
    /// Files opened from outside the workspace: each one a catalog.
    loose: HashMap<Uri, Project>,
    published: HashMap<Uri, Vec<Diagnostic>>,
    shut_down: bool,
    next_id: i32,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, root: Option<PathBuf>) -> Self {
        let workspace = root.map(|root| {
            let mut project = Project::new(root.clone());
            load(&mut project, &root);
            project
        });
        Self {
            connection,
            workspace,
            loose: HashMap::new(),
            published: HashMap::new(),
            shut_down: false,
            next_id: 0,
        }
    }

    /// Asks the client to tell of `.rules` files created, changed or deleted on disk.
    fn watch_files(&mut self) {
        let registration = lsp_types::Registration {
            id: "rulec-watch".into(),
            method: lsp_types::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: Some(serde_json::json!({
                "watchers": [{"globPattern": "**/*.rules"}],
            })),
        };
        self.next_id += 1;
        let request = Request::new(
            RequestId::from(self.next_id),
            lsp_types::request::RegisterCapability::METHOD.into(),
            lsp_types::RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(Message::Request(request));
    }

    fn send(&self, message: Message) {
        if self.connection.sender.send(message).is_err() {
            eprintln!("rulec lsp: the client's connection is closed");
        }
    }

    fn serve(mut self) -> Result<(), LspError> {
        while let Ok(message) = self.connection.receiver.recv() {
            if self.handle(message)? {
                return Ok(());
            }
            // Take what else has arrived before checking: a burst of keystrokes is one check.
            while let Ok(message) = self.connection.receiver.try_recv() {
                if self.handle(message)? {
                    return Ok(());
                }
            }
            self.publish();
        }
        Ok(())
    }

    /// Handles one message; `true` when the server is to stop.
    fn handle(&mut self, message: Message) -> Result<bool, LspError> {
        match message {
            Message::Request(request) => {
                if request.method == lsp_types::request::Shutdown::METHOD {
                    self.shut_down = true;
                    self.send(Message::Response(Response::new_ok(request.id, ())));
                    return Ok(false);
                }
                self.publish();
                let id = request.id.clone();
                let response = if self.shut_down {
                    Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shut down".into(),
                    )
                } else {
                    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.answer(&request)
                    }));
                    match answer {
                        Ok(Ok(value)) => Response::new_ok(id, value),
                        Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                        Err(_) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("rulec lsp failed on `{}`", request.method),
                        ),
                    }
                };
                self.send(Message::Response(response));
            }
            Message::Notification(notification) => {
                if notification.method == lsp_types::notification::Exit::METHOD {
                    return if self.shut_down {
                        Ok(true)
                    } else {
                        Err(LspError::ExitWithoutShutdown)
                    };
                }
                let method = notification.method.clone();
                let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.notify(notification);
                }));
                if handled.is_err() {
                    eprintln!("rulec lsp: failed on `{method}`");
                }
            }
            Message::Response(_) => {}
        }
        Ok(false)
    }

    fn notify(&mut self, notification: Notification) {
        use lsp_types::notification::{
            DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
        };
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(params) = parse::<DidOpenTextDocumentParams>(notification.params) {
                    let document = params.text_document;
                    self.open(&document.uri, document.text);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = parse::<DidChangeTextDocumentParams>(notification.params) {
                    self.change(&params);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = parse::<DidCloseTextDocumentParams>(notification.params) {
                    self.close(&params.text_document.uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(params) = parse::<DidChangeWatchedFilesParams>(notification.params) {
                    self.files_changed(&params);
                }
            }
            _ => {}
        }
    }

    /// The project a file belongs to.
    fn project(&self, uri: &Uri) -> Option<&Project> {
        match &self.workspace {
            Some(project) if project.contains(uri) => Some(project),
            _ => self.loose.get(uri),
        }
    }

    fn project_mut(&mut self, uri: &Uri) -> Option<&mut Project> {
        match &mut self.workspace {
            Some(project) if project.contains(uri) => Some(project),
            _ => self.loose.get_mut(uri),
        }
    }

    fn open(&mut self, uri: &Uri, text: String) {
        let Some(path) = path_of(uri) else {
            eprintln!(
                "rulec lsp: `{}` is not a file; it is not checked",
                uri.as_str()
            );
            return;
        };
        match &mut self.workspace {
            Some(project) if path.starts_with(project.root()) => {
                project.set(&path, text, true);
            }
            _ => {
                let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let project = self
                    .loose
                    .entry(uri.clone())
                    .or_insert_with(|| Project::new(root));
                project.set(&path, text, true);
            }
        }
    }

    fn change(&mut self, params: &DidChangeTextDocumentParams) {
        let uri = &params.text_document.uri;
        let Some(path) = path_of(uri) else { return };
        let Some(project) = self.project_mut(uri) else {
            return;
        };
        let Some(doc) = project.doc(uri) else { return };
        let mut text = doc.text.clone();
        for change in &params.content_changes {
            match change.range {
                Some(range) => {
                    let lines = text::LineIndex::new(&text);
                    let start = lines.offset(&text, range.start);
                    let end = lines.offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
                None => text.clone_from(&change.text),
            }
        }
        project.set(&path, text, true);
    }

    fn close(&mut self, uri: &Uri) {
        if self.loose.remove(uri).is_some() {
            self.clear(uri);
            return;
        }
        let Some(path) = path_of(uri) else { return };
        if let Some(project) = &mut self.workspace {
            reread(project, &path, uri);
        }
    }

    fn files_changed(&mut self, params: &DidChangeWatchedFilesParams) {
        let Some(project) = &mut self.workspace else {
            return;
        };
        for change in &params.changes {
            let Some(path) = path_of(&change.uri) else {
                continue;
            };
            let open = project.doc(&change.uri).is_some_and(|d| d.open);
            if open || !path.starts_with(project.root()) {
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                project.remove(&change.uri);
            } else {
                reread(project, &path, &change.uri);
            }
        }
    }

    fn clear(&mut self, uri: &Uri) {
        if self.published.remove(uri).is_some() {
            self.publish_one(uri.clone(), Vec::new());
        }
    }

    /// Checks what changed and publishes the diagnostics that differ from the last ones sent,
    /// empty ones for files that have none any more.
    fn publish(&mut self) {
        #[expect(
            clippy::mutable_key_type,
            reason = "`Uri` hashes its text, which never changes"
        )]
        let mut current: HashMap<Uri, Vec<Diagnostic>> = HashMap::new();
        let mut checked = false;
        for project in self.workspace.iter_mut().chain(self.loose.values_mut()) {
            checked |= project.check();
        }
        if !checked {
            return;
        }
        for project in self.workspace.iter().chain(self.loose.values()) {
            for (doc, list) in project.diagnostics() {
                if !list.is_empty() || self.published.contains_key(&doc.uri) {
                    current.insert(doc.uri.clone(), list.to_vec());
                }
            }
        }
        let gone: Vec<Uri> = self
            .published
            .keys()
            .filter(|uri| !current.contains_key(*uri))
            .cloned()
            .collect();
        for uri in gone {
            current.insert(uri, Vec::new());
        }
        for (uri, list) in current {
            if self.published.get(&uri) == Some(&list) {
                continue;
            }
            if list.is_empty() {
                self.published.remove(&uri);
            } else {
                self.published.insert(uri.clone(), list.clone());
            }
            self.publish_one(uri, list);
        }
    }

    fn publish_one(&self, uri: Uri, diagnostics: Vec<Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        let notification = Notification::new(
            lsp_types::notification::PublishDiagnostics::METHOD.into(),
            params,
        );
        self.send(Message::Notification(notification));
    }

    /// The answer to a request, or an error code and message.
    fn answer(&self, request: &Request) -> Result<Value, (ErrorCode, String)> {
        use lsp_types::request::{
            CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition,
            HoverRequest, PrepareRenameRequest, References, Rename, SemanticTokensFullRequest,
            WorkspaceSymbolRequest,
        };
        let params = request.params.clone();
        let value = match request.method.as_str() {
            HoverRequest::METHOD => {
                let params: HoverParams = parse(params)?;
                let (project, local) = self.at(&params.text_document_position_params)?;
                let uri = &params.text_document_position_params.text_document.uri;
                to_value(features::hover(project, uri, local))
            }
            GotoDefinition::METHOD => {
                let params: GotoDefinitionParams = parse(params)?;
                let (project, local) = self.at(&params.text_document_position_params)?;
                let uri = &params.text_document_position_params.text_document.uri;
                to_value(features::definition(project, uri, local))
            }
            References::METHOD => {
                let params: ReferenceParams = parse(params)?;
                let (project, local) = self.at(&params.text_document_position)?;
                let uri = &params.text_document_position.text_document.uri;
                let declarations = params.context.include_declaration;
                to_value(features::references(project, uri, local, declarations))
            }
            Completion::METHOD => {
                let params: CompletionParams = parse(params)?;
                let (project, local) = self.at(&params.text_document_position)?;
                let uri = &params.text_document_position.text_document.uri;
                to_value(features::completion(project, uri, local))
            }
            PrepareRenameRequest::METHOD => {
                let params: TextDocumentPositionParams = parse(params)?;
                let (project, local) = self.at(&params)?;
                let uri = &params.text_document.uri;
                to_value(features::prepare_rename(project, uri, local).ok())
            }
            Rename::METHOD => {
                let params: RenameParams = parse(params)?;
                let (project, local) = self.at(&params.text_document_position)?;
                let uri = &params.text_document_position.text_document.uri;
                let edit = features::rename(project, uri, local, &params.new_name)
                    .map_err(|message| (ErrorCode::InvalidParams, message))?;
                to_value(edit)
            }
            DocumentSymbolRequest::METHOD => {
                let params: DocumentSymbolParams = parse(params)?;
                let doc = self.doc(&params.text_document.uri)?;
                to_value(features::document_symbols(doc))
            }
            WorkspaceSymbolRequest::METHOD => {
                let params: WorkspaceSymbolParams = parse(params)?;
                let projects: Vec<&Project> =
                    self.workspace.iter().chain(self.loose.values()).collect();
                let found =
                    features::workspace_symbols(&projects, &params.query, MAX_WORKSPACE_SYMBOLS);
                to_value(found)
            }
            Formatting::METHOD => {
                let params: DocumentFormattingParams = parse(params)?;
                let doc = self.doc(&params.text_document.uri)?;
                let edits = features::formatting(doc)
                    .map_err(|message| (ErrorCode::RequestFailed, message))?;
                to_value(edits)
            }
            CodeActionRequest::METHOD => {
                let params: CodeActionParams = parse(params)?;
                let uri = &params.text_document.uri;
                let published = self.published.get(uri).map_or(&[][..], Vec::as_slice);
                to_value(features::code_actions(uri, published, params.range))
            }
            SemanticTokensFullRequest::METHOD => {
                let params: SemanticTokensParams = parse(params)?;
                let doc = self.doc(&params.text_document.uri)?;
                to_value(lsp_types::SemanticTokens {
                    result_id: None,
                    data: features::semantic_tokens(doc),
                })
            }
            method => {
                return Err((
                    ErrorCode::MethodNotFound,
                    format!("rulec lsp does not answer `{method}`"),
                ));
            }
        };
        Ok(value)
    }

    fn doc(&self, uri: &Uri) -> Result<&project::Document, (ErrorCode, String)> {
        self.project(uri)
            .and_then(|p| p.doc(uri))
            .ok_or_else(|| not_open(uri))
    }

    /// The project and byte offset a position names.
    fn at(
        &self,
        position: &TextDocumentPositionParams,
    ) -> Result<(&Project, usize), (ErrorCode, String)> {
        let uri = &position.text_document.uri;
        let project = self.project(uri).ok_or_else(|| not_open(uri))?;
        let doc = project.doc(uri).ok_or_else(|| not_open(uri))?;
        Ok((project, doc.lines.offset(&doc.text, position.position)))
    }
}

fn not_open(uri: &Uri) -> (ErrorCode, String) {
    (
        ErrorCode::InvalidParams,
        format!("`{}` is not a `.rules` file the server knows", uri.as_str()),
    )
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Reads every `.rules` file under the root into the project; a file that cannot be read is
/// logged and left out, as `rulec check` would report it.
fn load(project: &mut Project, root: &Path) {
    let found =
        crate::source::files_under(root, false, |p| p.extension().is_some_and(|e| e == "rules"));
    let paths = match found {
        Ok(paths) => paths,
        Err((path, error)) => {
            eprintln!("rulec lsp: cannot read `{}`: {error}", path.display());
            return;
        }
    };
    for path in paths {
        match crate::source::read_source(&path) {
            Ok(source) => {
                project.set(&path, source.text, false);
            }
            Err(error) => eprintln!("rulec lsp: {error}"),
        }
    }
}

/// Takes a file's text from disk again (it was closed, or changed outside the editor), or
/// drops it if it is gone.
fn reread(project: &mut Project, path: &Path, uri: &Uri) {
    match crate::source::read_source(path) {
        Ok(source) => {
            project.set(path, source.text, false);
        }
        Err(_) if !path.exists() => {
            project.remove(uri);
        }
        Err(error) => eprintln!("rulec lsp: {error}"),
    }
}

/// The `file:` URI of a path, for hosts and tests.
#[must_use]
pub fn file_uri(path: &Path) -> Option<String> {
    uri_of(path).map(|u| u.as_str().to_owned())
}
