//! A real relay for scenario tests: the relay library serving on 127.0.0.1 port 0 in
//! this process, with its SQLite files in a folder the test can inspect.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::oneshot;
use waymark_device::Device;
use waymark_relay::{AppState, Config, SqliteStore, admin, clock};
use waymark_store::DocId;
use waymark_sync_proto::seal::Keyring;
use waymark_sync_proto::wire::PullResponse;

pub struct TestRelay {
    pub url: String,
    pub dir: PathBuf,
    store: Arc<SqliteStore>,
    stop: Option<oneshot::Sender<()>>,
}

impl TestRelay {
    pub async fn start(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).expect("relay dir");
        let store = Arc::new(SqliteStore::open(dir, 2).expect("relay store"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState::new(store.clone(), Config::default());
        tokio::spawn(waymark_relay::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Self { url, dir: dir.to_path_buf(), store, stop: Some(stop) }
    }

    /// `waymark-relay team create`: the code for the team's first supervisor.
    pub fn team_create(&self, name: &str) -> String {
        admin::create_team(self.store.as_ref(), name, clock::now()).expect("team created").code
    }

    /// Every document the relay serves `device` from the start of the log, opened with
    /// `full_keys_from`'s keys (a supervisor holds them all).
    pub async fn pull_all_docs_as(&self, device: &mut Device, full_keys_from: &mut Device) -> Vec<DocId> {
        let token = device.store().query().local("sync.token").expect("query").expect("enrolled");
        let keys_text = full_keys_from.store().query().local("sync.keys").expect("query").expect("keys");
        let keys: Keyring = serde_json::from_str(&keys_text).expect("keys parse");
        let client = reqwest::Client::new();
        let mut after = 0;
        let mut docs = Vec::new();
        loop {
            let page: PullResponse = client
                .get(format!("{}/v1/pull?after={after}&limit=1000", self.url))
                .bearer_auth(&token)
                .send()
                .await
                .expect("pull")
                .json()
                .await
                .expect("page");
            for entry in &page.entries {
                let (doc, _) = keys.open(&entry.ciphertext).expect("a supervisor opens every entry");
                if doc.starts_with("audit:") {
                    continue;
                }
                let doc: DocId = doc.parse().expect("doc id");
                if !docs.contains(&doc) {
                    docs.push(doc);
                }
            }
            after = page.next_after;
            if !page.more {
                break;
            }
        }
        docs
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
