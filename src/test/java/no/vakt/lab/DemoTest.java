package no.vakt.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code vakt demo} runs each step through the CLI on a lab of its own and ends READY. */
class DemoTest {
    Path dir;
    String oslo;
    String bergen;
    int port;

    @BeforeEach
    void fresh() throws Exception {
        dir = TestDirs.create("demo-").resolve("lab");
        oslo = Loopback.nextAddress();
        bergen = Loopback.nextAddress();
        port = LabTest.freePortOnBoth(oslo, bergen);
    }

    @AfterEach
    void cleanUp() throws Exception {
        new Lab(new LabLayout(dir)).down(true);
        MariaDbServer.deleteTree(dir.getParent());
    }

    @Test
    void runsEveryStepToReadyAndStopsTheLabWhenAsked() throws Exception {
        Cli r = demo("--stop");

        assertThat(r.out()).contains("==> [1/6] vakt lab up --dir " + dir, "started",
                "config:  " + dir.resolve("vakt.yml"),
                "==> [2/6] vakt replicate --config " + dir.resolve("vakt.yml"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("[3/6] vakt heartbeat", "--duration 3s", "[4/6] vakt status",
                "[5/6] vakt check", "READY: 0 errors", "[6/6] vakt drill", "(kill-db): PASSED", "rejoin oslo-db: REJOINED",
                "The demo ran every step.");
        assertThat(r.out()).contains("replicate: done", "bergen-db lag")
                .doesNotContain("failed with exit code");
        assertThat(r.out()).contains("==> vakt lab down", "The lab is stopped", "./vakt demo")
                .doesNotContain("Next:");
        assertThat(new Lab(new LabLayout(dir)).status()).noneSatisfy(s -> assertThat(s.running()).isTrue());
    }

    @Test
    void leavesTheLabUpByDefaultAndSaysHowToStopIt() throws Exception {
        Cli r = demo();

        assertThat(r.out()).contains("The lab is still running", "./vakt lab down --dir " + dir)
                .doesNotContain("==> vakt lab down");
        assertThat(new Lab(new LabLayout(dir)).status()).allSatisfy(s -> assertThat(s.running()).isTrue());
    }

    private Cli demo(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("demo", "--dir", dir.toString(), "--port",
                Integer.toString(port), "--oslo-address", oslo, "--bergen-address", bergen));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }
}
