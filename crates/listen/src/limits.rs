//! Concurrency limits for a poll cycle: a few requests at a time per host (servers are shared by
//! many feeds: one blog platform hosts thousands), many at a time overall.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Per-host and global request slots.
#[derive(Debug)]
pub struct HostLimiter {
    per_host: usize,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// Both slots, released on drop.
#[derive(Debug)]
pub struct Slot {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl HostLimiter {
    pub fn new(per_host: usize, global: usize) -> Self {
        Self {
            per_host: per_host.max(1),
            global: Arc::new(Semaphore::new(global.max(1))),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a slot for `host` (its own first, so a busy host does not hold global slots).
    pub async fn acquire(&self, host: &str) -> Option<Slot> {
        let semaphore = {
            let mut hosts = self.hosts.lock().ok()?;
            hosts.entry(host.to_ascii_lowercase()).or_insert_with(|| Arc::new(Semaphore::new(self.per_host))).clone()
        };
        let host_permit = semaphore.acquire_owned().await.ok()?;
        let global = self.global.clone().acquire_owned().await.ok()?;
        Some(Slot { _host: host_permit, _global: global })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_per_host_limit_run_at_once() {
        let limiter = Arc::new(HostLimiter::new(2, 50));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (limiter, running, peak) = (limiter.clone(), running.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = limiter.acquire("Blog.Example").await;
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                running.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }
}
