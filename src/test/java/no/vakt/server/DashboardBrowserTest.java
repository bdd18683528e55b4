package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.RunningDaemon;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in real headless Chromium against {@code vakt run} on a real pair: it shows both sites, the
 * lag moving when the standby stops applying, a kill -9 failover (automatic mode), and in manual mode the
 * approve button runs the promotion with the token typed into the page; a promotion whose traffic switch
 * fails reads "completed, traffic pending", never a clean success.
 */
class DashboardBrowserTest {
    private static final String TOKEN = "browser-" + Long.toHexString(System.nanoTime());

    @BeforeEach
    void requireChromium() {
        String missing = HeadlessChromium.missing();
        assumeTrue(missing == null, () -> "skipped: " + missing + "; scripts/install-prereqs installs it");
    }

    @Test
    void showsBothSitesTheLagMovingAndAnAutomaticFailover() throws Exception {
        try (TestPair pair = TestPair.start()) {
            String url = prepare(pair);
            try (RunningDaemon run = RunningDaemon.start(pair.configFile); HeadlessChromium chromium = HeadlessChromium.open()) {
                WebDriver page = chromium.driver;
                page.get(url);
                WebDriverWait wait = waiter(page, 20);

                wait.until(d -> role(d, "oslo-db").equals("primary") && role(d, "bergen-db").equals("standby"));
                assertThat(js(page, "return Array.from(document.querySelectorAll('.site'))"
                        + ".map(function (e) { return e.getAttribute('data-site'); });")).isEqualTo(List.of("oslo", "bergen"));
                assertThat(text(page, ".site[data-site='oslo'] .site-name")).isEqualToIgnoringCase("oslo");
                assertThat(text(page, ".node[data-node='bergen-db'] .read-only .fact-value")).isEqualTo("ON");
                assertThat(text(page, "#mode")).isEqualToIgnoringCase("automatic");
                wait.until(d -> lag(d) != null && lag(d) < 1000);
                // A warning of the start (the heartbeat writer's first rows, file sync starting) clears by itself.
                wait.until(d -> "ALL GOOD".equals(text(d, "#banner-title")));
                // Without coordination: the agents panel names the single monitor, which acts (it holds the lock).
                assertThat(attr(page, "#agents", "data-mode")).isEqualTo("local");
                assertThat(attr(page, "#agents", "data-authority")).isEqualTo("true");
                assertThat(text(page, "#agents")).contains("single monitor").contains("holding the journal's cluster lock");

                // The standby stops applying: heartbeats queue in its relay log and the measured lag grows.
                TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
                wait.until(d -> lag(d) != null && lag(d) > 2500);
                assertThat(text(page, "#banner-title")).isEqualTo("LAG ABOVE RPO");
                screenshot(page, "lag-above-rpo");
                assertThat(text(page, ".node[data-node='bergen-db'] .fact-value.bad")).isNotEmpty();
                wait.until(d -> Integer.parseInt((String) js(d, "return document.getElementById('lag-chart').getAttribute('data-samples');")) > 10);
                assertThat(js(page, "return document.querySelectorAll('#lag-chart path.lag-line').length;")).isNotEqualTo(0L);
                TestPair.sql(pair.standby, "START SLAVE SQL_THREAD");
                wait.until(d -> lag(d) != null && lag(d) < 1000);

                pair.primary.kill();

                waiter(page, 30).until(d -> role(d, "bergen-db").equals("primary"));
                wait.until(d -> text(d, "#primary-value").equals("bergen-db"));
                wait.until(d -> timeline(d).stream().anyMatch(t -> t.contains("failover 1 completed")));
                assertThat(timeline(page)).anyMatch(t -> t.contains("PROMOTE_STANDBY"));
                assertThat(text(page, ".node[data-node='oslo-db'] .health")).isEqualTo("DOWN");
                wait.until(d -> text(d, "#failover-sub").contains("oslo-db \u2192 bergen-db, completed"));
                wait.until(d -> text(d, "#banner-title").equals("UNPROTECTED: STANDBY oslo-db DOWN"));
                screenshot(page, "after-failover");
            }
        }
    }

    @Test
    void inManualModeTheApproveButtonPromotesWithTheToken() throws Exception {
        try (TestPair pair = TestPair.builder().failoverMode("manual").start()) {
            String url = prepare(pair);
            try (RunningDaemon run = RunningDaemon.start(pair.configFile); HeadlessChromium chromium = HeadlessChromium.open()) {
                WebDriver page = chromium.driver;
                page.get(url);
                WebDriverWait wait = waiter(page, 20);
                wait.until(d -> role(d, "oslo-db").equals("primary"));
                assertThat(page.findElement(By.id("approval")).isDisplayed()).isFalse();

                pair.primary.kill();

                waiter(page, 30).until(d -> d.findElement(By.id("approval")).isDisplayed());
                assertThat(text(page, "#banner-title")).isEqualTo("PRIMARY oslo-db DOWN");
                assertThat(text(page, "#approval-title")).contains("promote bergen-db");
                screenshot(page, "awaiting-approval");
                // Waiting for approval means waiting: nothing was promoted.
                assertThat(standby(pair).readOnly()).isTrue();

                // A wrong token is refused and changes nothing.
                page.findElement(By.id("approve-button")).click();
                wait.until(d -> d.findElement(By.id("token-input")).isDisplayed());
                page.findElement(By.id("token-input")).sendKeys("not-the-token");
                page.findElement(By.id("token-submit")).click();
                wait.until(d -> text(d, "#action-result").contains("HTTP 403"));
                assertThat(standby(pair).readOnly()).isTrue();

                page.findElement(By.id("approve-button")).click();
                wait.until(d -> d.findElement(By.id("token-input")).isDisplayed());
                page.findElement(By.id("token-input")).clear();
                page.findElement(By.id("token-input")).sendKeys(TOKEN);
                page.findElement(By.id("token-submit")).click();

                waiter(page, 30).until(d -> text(d, "#action-result").contains("completed"));
                assertThat(text(page, "#action-result")).contains("bergen-db is primary");
                wait.until(d -> role(d, "bergen-db").equals("primary"));
                wait.until(d -> !d.findElement(By.id("approval")).isDisplayed());
                wait.until(d -> timeline(d).stream().anyMatch(t -> t.contains("approve-failover completed")));
                NodeState promoted = standby(pair);
                assertThat(promoted.readOnly()).isFalse();
                assertThat(promoted.replica()).isEmpty();
            }
        }
    }

    @Test
    void anApprovedFailoverWhoseTrafficSwitchFailsReadsTrafficPending() throws Exception {
        try (TestPair pair = TestPair.builder().failoverMode("manual").start()) {
            // A traffic entry whose program always fails: promoted, but the users are never moved.
            pair.rewriteConfig(y -> y.replace("traffic: []\n", "traffic:\n  - type: command\n    command: [/bin/false]\n"
                    + "    timeout: 5s\n"));
            String url = prepare(pair);
            String apply = "vakt traffic apply --config " + pair.configFile.toAbsolutePath().normalize();
            try (RunningDaemon run = RunningDaemon.start(pair.configFile); HeadlessChromium chromium = HeadlessChromium.open()) {
                WebDriver page = chromium.driver;
                page.get(url);
                waiter(page, 20).until(d -> role(d, "oslo-db").equals("primary"));

                pair.primary.kill();
                waiter(page, 30).until(d -> d.findElement(By.id("approval")).isDisplayed());
                page.findElement(By.id("approve-button")).click();
                waiter(page, 20).until(d -> d.findElement(By.id("token-input")).isDisplayed());
                page.findElement(By.id("token-input")).sendKeys(TOKEN);
                page.findElement(By.id("token-submit")).click();

                waiter(page, 30).until(d -> text(d, "#action-result").contains("completed, traffic pending"));
                assertThat(attr(page, "#action-result", "class")).contains("warn");
                assertThat(text(page, "#action-result")).contains("users may still be sent to oslo-db").contains(apply);
                WebDriverWait wait = waiter(page, 20);
                wait.until(d -> text(d, "#banner-title").equals("TRAFFIC PENDING: NOT SWITCHED TO bergen-db"));
                assertThat(attr(page, "#banner", "class")).contains("state-bad");
                assertThat(text(page, "#banner-detail")).contains("/bin/false exited with 1").contains(apply);
                wait.until(d -> text(d, "#failover-sub").contains("oslo-db \u2192 bergen-db, completed, traffic pending"));
                assertThat(text(page, "#warnings li")).startsWith("traffic switch to bergen-db PENDING").endsWith(apply);
                screenshot(page, "traffic-pending");
            }
        }
    }

    @Test
    void aPauseShowsAsAStripAndTheDownBannerSaysNoAutomaticFailover() throws Exception {
        try (TestPair pair = TestPair.start()) {
            String url = prepare(pair);
            try (RunningDaemon run = RunningDaemon.start(pair.configFile); HeadlessChromium chromium = HeadlessChromium.open()) {
                WebDriver page = chromium.driver;
                page.get(url);
                WebDriverWait wait = waiter(page, 20);
                wait.until(d -> role(d, "oslo-db").equals("primary"));
                assertThat(page.findElement(By.id("paused")).isDisplayed()).isFalse();

                Cli pause = Cli.run("pause", "--for", "30m", "--reason", "kernel upgrade", "--config", pair.configFile.toString());
                assertThat(pause.out()).as(pause.out() + pause.err()).contains("through vakt run");
                wait.until(d -> d.findElement(By.id("paused")).isDisplayed());
                assertThat(text(page, "#paused-detail")).contains("reason: kernel upgrade")
                        .contains("by " + System.getProperty("user.name")).contains("vakt resume ends it");
                wait.until(d -> text(d, "#warnings li").startsWith("PAUSED: no automatic failover until"));

                pair.primary.kill();
                waiter(page, 30).until(d -> text(d, "#banner-title").equals("PRIMARY oslo-db DOWN"));
                assertThat(text(page, "#banner-detail")).contains("PAUSED: no automatic failover until")
                        .contains("vakt promote still works");
                screenshot(page, "paused-primary-down");
            }
        }
    }

    private static String attr(WebDriver d, String css, String name) {
        return (String) js(d, "var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }

    /** Replication, a fast monitor, and the server on this test's own address; returns the dashboard URL. */
    private static String prepare(TestPair pair) throws Exception {
        ReplicationFixture.start(pair);
        String host = ServerTestSupport.nextAddress();
        int port = ServerTestSupport.freePort(host);
        Path token = ServerTestSupport.tokenFile(pair.dir, TOKEN);
        pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                + "server:\n  listen: " + host + ":" + port + "\n  token-file: " + token + "\n");
        TestPair.sql(pair.primary, "DELETE FROM vakt.heartbeat"); // only the monitor's own beats count
        ReplicationFixture.awaitCaughtUp(pair);
        return "http://" + host + ":" + port + "/";
    }

    private static NodeState standby(TestPair pair) {
        return new NodeInspector(Duration.ofSeconds(2)).inspect(pair.config().standby());
    }

    private static WebDriverWait waiter(WebDriver page, int seconds) {
        WebDriverWait w = new WebDriverWait(page, Duration.ofSeconds(seconds), Duration.ofMillis(200));
        w.ignoring(org.openqa.selenium.NoSuchElementException.class);
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        w.ignoring(NumberFormatException.class);
        return w;
    }

    // The page redraws every poll: read through one script call, so an element is never replaced mid-read.

    private static String role(WebDriver d, String node) {
        return (String) js(d, "var e = document.querySelector(\".node[data-node='" + node + "']\");"
                + " return e ? e.getAttribute('data-role') : '';");
    }

    private static Long lag(WebDriver d) {
        String v = (String) js(d, "return document.getElementById('lag-value').getAttribute('data-lag-ms');");
        return v == null || v.isEmpty() ? null : Long.parseLong(v);
    }

    private static String text(WebDriver d, String css) {
        return (String) js(d, "var e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
    }

    @SuppressWarnings("unchecked")
    private static List<String> timeline(WebDriver d) {
        return (List<String>) js(d, "return Array.from(document.querySelectorAll('#timeline li.event'))"
                + ".map(function (e) { return e.textContent; });");
    }

    /** With -Dvakt.screenshots=DIR, saves what the page looks like (for a person reviewing the dashboard). */
    private static void screenshot(WebDriver d, String name) throws java.io.IOException {
        String dir = System.getProperty("vakt.screenshots");
        if (dir == null) return;
        byte[] png = ((org.openqa.selenium.TakesScreenshot) d).getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
        java.nio.file.Files.createDirectories(Path.of(dir));
        java.nio.file.Files.write(Path.of(dir, name + ".png"), png);
    }

    private static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }
}
