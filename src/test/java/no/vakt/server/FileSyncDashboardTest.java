package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.RunningDaemon;
import no.vakt.testing.SyncedUploads;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * File sync on the dashboard and /metrics, in real headless Chromium against {@code vakt run} with a real
 * pair and a real sshd: deletions held back are no "ALL GOOD", /metrics says which directory, and after a
 * failover the panel says the sync is paused (it used to read "bergen-db -> null").
 */
class FileSyncDashboardTest {
    @BeforeEach
    void requireChromium() {
        String missing = HeadlessChromium.missing();
        assumeTrue(missing == null, () -> "skipped: " + missing + "; scripts/install-prereqs installs it");
    }

    @Test
    void heldBackDeletionsAreNotAllGoodAndAFailoverReadsPaused() throws Exception {
        try (TestPair pair = TestPair.start()) {
            try (SyncedUploads uploads = SyncedUploads.start(pair, null)) {
                Path oslo = uploads.oslo;
                Path bergen = uploads.bergen;
                for (int i = 0; i < 40; i++) Files.writeString(oslo.resolve("photo" + i + ".jpg"), "jpeg " + i);
                String url = prepare(pair);
                try (RunningDaemon run = RunningDaemon.start(pair.configFile); HeadlessChromium chromium = HeadlessChromium.open()) {
                    WebDriver page = chromium.driver;
                    page.get(url);
                    WebDriverWait wait = waiter(page, 40);
                    wait.until(d -> count(bergen) == 40 && "in-sync".equals(fileSyncState(d)));
                    wait.until(d -> "ALL GOOD".equals(text(d, "#banner-title")));
                    assertThat(text(page, "#filesync")).contains("oslo-db -> bergen-db, 40 files sent");

                    // Every upload vanishes from the primary's directory (an unmounted disk, an rm -rf).
                    try (Stream<Path> s = Files.list(oslo)) {
                        for (Path p : (Iterable<Path>) s::iterator) Files.delete(p);
                    }
                    wait.until(d -> "FILE SYNC: DELETIONS HELD BACK".equals(text(d, "#banner-title")));
                    assertThat(attr(page, "#banner", "class")).contains("state-warn");
                    assertThat(text(page, "#banner-detail")).contains("deletions on bergen-db held back")
                            .contains("the source directory is empty");
                    assertThat(text(page, "#filesync")).contains("FILE SYNC: DELETIONS HELD BACK").contains("deletes-held");
                    assertThat(count(bergen)).isEqualTo(40);

                    String metrics = new ServerTestSupport.Client(url).get("/metrics").body();
                    assertThat(metrics)
                            .contains("vakt_filesync_delete_guard_tripped{cluster=\"test\",directory=\"" + oslo + "\"} 1.0")
                            .contains("vakt_filesync_behind{cluster=\"test\",directory=\"" + oslo + "\"} 0.0")
                            .contains("vakt_filesync_failing{cluster=\"test\",directory=\"" + oslo + "\"} 0.0")
                            .contains("vakt_filesync_sent_files_total{cluster=\"test\"} 40.0")
                            .contains("vakt_filesync_deleted_files_total{cluster=\"test\"} 0.0")
                            .contains("vakt_filesync_rsync_failures_total{cluster=\"test\"}")
                            .contains("vakt_filesync_push_failures_total{cluster=\"test\"} 0.0")
                            .contains("vakt_filesync_sent_bytes_total{cluster=\"test\"}")
                            .containsPattern("vakt_filesync_last_success_timestamp_seconds\\{cluster=\"test\"} 1\\.[0-9]+E9");

                    // A failover: the new primary is the source and nothing is pushed until a rejoin.
                    pair.primary.kill();
                    waiter(page, 40).until(d -> "paused".equals(fileSyncState(d)));
                    assertThat(text(page, "#filesync")).contains("bergen-db -> paused").contains("vakt rejoin oslo-db")
                            .doesNotContain("null");
                }
            }
        }
    }

    /** Replication, a fast monitor, and the server on this test's own address; returns the dashboard URL. */
    private static String prepare(TestPair pair) throws Exception {
        ReplicationFixture.start(pair);
        String host = ServerTestSupport.nextAddress();
        int port = ServerTestSupport.freePort(host);
        pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                + "server:\n  listen: " + host + ":" + port + "\n");
        TestPair.sql(pair.primary, "DELETE FROM vakt.heartbeat"); // only the monitor's own beats count
        ReplicationFixture.awaitCaughtUp(pair);
        return "http://" + host + ":" + port + "/";
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".vakt")).count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static WebDriverWait waiter(WebDriver page, int seconds) {
        WebDriverWait w = new WebDriverWait(page, Duration.ofSeconds(seconds), Duration.ofMillis(200));
        w.ignoring(org.openqa.selenium.NoSuchElementException.class);
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    private static String fileSyncState(WebDriver d) {
        return attr(d, "#filesync", "data-state");
    }

    // The page redraws every poll: read through one script call, so an element is never replaced mid-read.

    private static String text(WebDriver d, String css) {
        return (String) js(d, "var e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
    }

    private static String attr(WebDriver d, String css, String name) {
        return (String) js(d, "var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }

    private static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }
}
