package no.vakt.traffic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Sleeper;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.lab.LabConfigTemplate;
import no.vakt.testing.TestDirs;

/** What the DNS tests share: a config around a traffic section, dig, free ports, collected alerts. */
final class DnsFixture {
    /** The addresses the A record moves between (data only: nothing is contacted there). */
    static final String OSLO = "127.0.41.1";
    static final String BERGEN = "127.0.41.2";

    private DnsFixture() {}

    static Path tempDir(String prefix) throws IOException {
        return TestDirs.create(prefix);
    }

    /** A pair oslo-db (primary, OSLO) / bergen-db (standby, BERGEN) whose {@code traffic:} is {@code trafficYaml}. */
    static VaktConfig config(Path dir, String trafficYaml) throws IOException {
        Path file = dir.resolve("vakt.yml");
        Files.writeString(file, configText(dir, trafficYaml));
        return ConfigLoader.load(file);
    }

    static String configText(Path dir, String trafficYaml) {
        String yaml = new LabConfigTemplate("dns", OSLO, 3306, BERGEN, 3306, "vakt", dir.resolve("admin.password"), "repl",
                dir.resolve("repl.password"), List.of("shop"), "manual", null, false, "127.0.0.1").render();
        if (!yaml.contains("traffic: []\n")) throw new IllegalStateException("the template no longer renders traffic: []");
        return yaml.replace("traffic: []\n", trafficYaml.endsWith("\n") ? trafficYaml : trafficYaml + "\n");
    }

    static int freeDnsPort(String address) throws IOException {
        return no.vakt.testing.Dig.freePort(address);
    }

    static List<String> dig(String server, int port, String name, String type) throws Exception {
        return no.vakt.testing.Dig.query(server, port, name, type);
    }

    /** The SOA serial as {@code dig} reads it. */
    static long serial(String server, int port, String zone) throws Exception {
        List<String> soa = dig(server, port, zone, "SOA");
        if (soa.size() != 1) throw new IllegalStateException("no SOA for " + zone + ": " + soa);
        return Long.parseLong(soa.get(0).split("\\s+")[2]);
    }

    /** An alert sink that keeps what it is sent. */
    static final class Alerts implements AlertSink {
        final List<Alert> sent = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void send(Alert alert) {
            sent.add(alert);
        }
    }

    /** A sleeper that records the waits and does not wait. */
    static final class Sleeps implements Sleeper {
        final List<java.time.Duration> waits = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void sleep(java.time.Duration d) {
            waits.add(d);
        }
    }
}
