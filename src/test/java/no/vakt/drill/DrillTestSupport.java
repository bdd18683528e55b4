package no.vakt.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;

/** Pairs on this issue's own loopback range (127.0.46.0/24), tuned so a drill takes seconds. */
final class DrillTestSupport {
    private static final AtomicInteger NEXT = new AtomicInteger(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DrillTestSupport() {}

    static TestPair.Builder pair() {
        int n = NEXT.getAndAdd(2);
        return TestPair.builder().hosts("127.0.46." + n, "127.0.46." + (n + 1));
    }

    /**
     * Fast checks (200 ms x 3), a short cooldown, an RTO objective of 15 s, "time to warm" watched 10 s at most (a
     * loaded test host may never be within 1.5x); the rest as the lab renders it.
     */
    static void tune(TestPair p) throws Exception {
        p.rewriteConfig(y -> warmWindow(y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                .replace("cooldown: 1h", "cooldown: 2s").replace("rto: 5m", "rto: 15s")));
    }

    /** A 10 s time-to-warm window: a drill on a loaded test machine need not watch reads for the default 60 s. */
    static String warmWindow(String yaml) {
        return yaml.contains("\ndrills:\n") ? yaml.replace("\ndrills:\n", "\ndrills:\n  warm-window: 10s\n")
                : yaml + (yaml.endsWith("\n") ? "" : "\n") + "drills:\n  warm-window: 10s\n";
    }

    static Cli drill(TestPair p, String... extra) {
        List<String> args = new ArrayList<>(List.of("drill", "--config", p.configFile.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static JsonNode report(Path dir) throws Exception {
        return JSON.readTree(Files.readString(dir.resolve("report.json")));
    }
}
