package no.vakt.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import no.vakt.lab.MariaDbServer;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium and chromedriver, headless, driven by Selenium. The driver and the browser are given
 * by path, so Selenium Manager never looks anything up or downloads anything; background networking,
 * component updates and sync are off, so the browser only talks to the page under test.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Why the browser test cannot run here, or null when it can. */
    static String missing() {
        if (!Files.isExecutable(CHROMIUM)) return CHROMIUM + " is missing (Debian package chromium)";
        if (!Files.isExecutable(CHROMEDRIVER)) return CHROMEDRIVER + " is missing (Debian package chromium-driver)";
        return null;
    }

    static HeadlessChromium open() throws IOException {
        Path profile = Files.createTempDirectory("vakt-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
            return new HeadlessChromium(driver, profile);
        } catch (RuntimeException e) {
            service.stop();
            MariaDbServer.deleteTree(profile);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            MariaDbServer.deleteTree(profile);
        }
    }
}
