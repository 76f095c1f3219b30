// Starts `rulec lsp` for `.rules` files and connects VS Code to it over standard input and
// output. Everything the editor shows (diagnostics, hover, definitions, completion,
// formatting, quick fixes, rename, symbols, semantic tokens) comes from the server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("rulec").get("path") || "rulec";
  const server = { command, args: ["lsp"] };
  const options = {
    documentSelector: [{ scheme: "file", language: "rules" }],
    // The server re-reads `.rules` files that change on disk outside the editor.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.rules"),
    },
  };
  client = new LanguageClient("rulec", "rulec", server, options);
  context.subscriptions.push(client);
  client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
