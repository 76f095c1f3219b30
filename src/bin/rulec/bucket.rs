//! Catalog artifacts in a NATS object store bucket, as object `catalog`: `rulec compile` puts
//! them there, and `rulec work` workers take each new one.

use async_nats::jetstream::{self, Context, object_store};
use futures::StreamExt as _;
use rulec::Catalog;
use tokio::io::AsyncReadExt as _;

/// The object that holds the catalog.
pub(crate) const OBJECT: &str = "catalog";

/// The bucket, created when it is not there yet.
async fn bucket(js: &Context, name: &str) -> Result<object_store::ObjectStore, String> {
    if let Ok(store) = js.get_object_store(name).await {
        return Ok(store);
    }
    js.create_object_store(object_store::Config {
        bucket: name.to_owned(),
        description: Some("rulec catalog artifacts".into()),
        ..Default::default()
    })
    .await
    .map_err(|e| format!("cannot open or create the object store `{name}`: {e}"))
}

/// Puts an artifact in the bucket at `url`.
pub(crate) fn put(url: &str, name: &str, artifact: &[u8]) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let client = async_nats::connect(url)
            .await
            .map_err(|e| format!("cannot connect to NATS at {url}: {e}"))?;
        let js = jetstream::new(client);
        let store = bucket(&js, name).await?;
        let mut data = artifact;
        store
            .put(OBJECT, &mut data)
            .await
            .map_err(|e| format!("cannot put the artifact in `{name}`: {e}"))?;
        Ok(())
    })
}

/// The catalog in the bucket.
pub(crate) async fn get(js: &Context, name: &str) -> Result<Catalog, String> {
    let store = js
        .get_object_store(name)
        .await
        .map_err(|e| format!("no object store `{name}`: {e}; put a catalog there with `rulec compile --catalog-bucket {name}`"))?;
    let mut object = store
        .get(OBJECT)
        .await
        .map_err(|e| format!("no `{OBJECT}` in `{name}`: {e}; put one there with `rulec compile --catalog-bucket {name}`"))?;
    let mut bytes = Vec::new();
    object
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| format!("cannot read `{OBJECT}` from `{name}`: {e}"))?;
    rulec::artifact::read(&bytes).map_err(|e| format!("the catalog in `{name}` is not usable: {e}"))
}

/// Calls `reload` with the catalog in the bucket, then with each catalog put there; one that
/// cannot be read is reported and skipped. The watch starts with the bucket's latest object, so
/// an artifact put between the caller's first read and the watch is not missed; a watch that
/// ends (the server went away) is opened again.
pub(crate) async fn follow(js: Context, name: String, reload: impl Fn(Catalog)) {
    loop {
        let watch = match js.get_object_store(&name).await {
            Ok(store) => store.watch_with_history().await.ok(),
            Err(_) => None,
        };
        let Some(mut updates) = watch else {
            eprintln!("warning: cannot follow the object store `{name}`; trying again");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        };
        while let Some(update) = updates.next().await {
            let Ok(info) = update else { continue };
            if info.name != OBJECT || info.deleted {
                continue;
            }
            match get(&js, &name).await {
                Ok(catalog) => reload(catalog),
                Err(error) => eprintln!("warning: {error}; the catalog in use stays"),
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}
