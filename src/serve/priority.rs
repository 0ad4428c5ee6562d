//! The preview's whole-site render runs behind the browser. After a save,
//! the edited page is rendered alone and the browser told to reload
//! (`Rebuilder::show_ahead`); the rest of the site renders meanwhile. At
//! 100,000 posts that takes both cores for a few hundred milliseconds,
//! exactly while the browser fetches, parses and paints the page the writer
//! is looking at. Rendering threads therefore run at a lower scheduling
//! priority than the HTTP threads and the browser: with nothing else
//! running they get every core, as before.

/// How much nicer than the rest of the machine the render threads are:
/// enough that the kernel gives a waiting browser about nine tenths of a
/// contended core, not so much that other background work starves them.
#[cfg(target_os = "linux")]
const RENDER_NICENESS: i32 = 10;

/// Lowers the calling thread's scheduling priority for the rest of its life.
/// Linux only: there `setpriority` on the process id 0 names the calling
/// thread alone, where other systems would lower the whole process, HTTP
/// threads included. Failing to lower it is not an error: the preview only
/// loses the head start it gives the browser.
pub fn run_behind_the_browser() {
    #[cfg(target_os = "linux")]
    {
        let current = rustix::process::getpriority_process(None).unwrap_or(0);
        let _ = rustix::process::setpriority_process(None, current.max(RENDER_NICENESS));
    }
}

/// Makes the threads that render the site in parallel run behind the
/// browser. Called once, before the first render; if the pool already
/// exists (never, in `ssg serve`) it stays as it is.
pub fn render_pool_behind_the_browser() {
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("ssg-render-{i}"))
        .start_handler(|_| run_behind_the_browser())
        .build_global();
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_thread_sent_behind_the_browser_is_nicer_and_its_siblings_are_not() {
        let before = rustix::process::getpriority_process(None).unwrap();
        let lowered = std::thread::spawn(|| {
            run_behind_the_browser();
            rustix::process::getpriority_process(None).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(lowered, before.max(RENDER_NICENESS));
        assert_eq!(rustix::process::getpriority_process(None).unwrap(), before);
    }
}
