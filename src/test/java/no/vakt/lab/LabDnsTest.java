package no.vakt.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.testing.Cli;
import no.vakt.testing.Dig;
import no.vakt.testing.Loopback;
import no.vakt.testing.TestDirs;
import no.vakt.traffic.Rfc2136Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code vakt lab up} also runs a BIND for lab.vakt.test. whose app record the lab config keeps at the primary. */
class LabDnsTest {
    Path dir;
    String oslo;
    String bergen;

    @BeforeEach
    void freshLab() throws Exception {
        dir = TestDirs.create("labdns-").resolve("lab");
        oslo = Loopback.nextAddress();
        bergen = Loopback.nextAddress();
    }

    @AfterEach
    void labDown() throws Exception {
        new Lab(new LabLayout(dir)).down(true);
        MariaDbServer.deleteTree(dir.getParent());
    }

    Cli up() {
        return Cli.run("lab", "up", "--dir", dir.toString(), "--port", Integer.toString(Loopback.freePort(oslo)),
                "--oslo-address", oslo, "--bergen-address", bergen, "--no-tls", "--no-hints");
    }

    @Test
    void labUpServesTheZoneTheConfigSwitchesAndLabDownStopsIt() throws Exception {
        Cli up = up();
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).containsPattern("dns\\s+bind\\s+127\\.0\\.0\\.1:\\d+\\s+started\\s+pid \\d+");

        VaktConfig config = ConfigLoader.load(dir.resolve("vakt.yml"));
        Rfc2136Entry entry = (Rfc2136Entry) config.traffic().get(0);
        assertThat(entry.record()).isEqualTo("app.lab.vakt.test.");
        assertThat(entry.ttl().getSeconds()).isEqualTo(5);
        assertThat(entry.keyFile()).isEqualTo(dir.resolve("dns/tsig.key").toAbsolutePath().normalize());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry.keyFile()))).isEqualTo("rw-------");
        int port = Integer.parseInt(entry.server().substring(entry.server().indexOf(':') + 1));

        String cfg = dir.resolve("vakt.yml").toString();
        JsonNode shown = new ObjectMapper().readTree(Cli.run("traffic", "show", "--config", cfg, "--json").out());
        assertThat(shown.at("/entries/0/node").asText()).isEqualTo("oslo-db");
        assertThat(shown.at("/entries/0/values/0").asText()).isEqualTo(oslo);
        assertThat(shown.at("/entries/0/ttl_seconds").asLong()).isEqualTo(5);

        // Both nodes start read-only; replicate opens oslo, the live primary the record already names.
        Cli replicate = Cli.run("replicate", "--config", cfg);
        assertThat(replicate.exitCode()).as(replicate.out() + replicate.err()).isZero();
        Cli apply = Cli.run("traffic", "apply", "--config", cfg);
        assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        assertThat(apply.out()).contains("unchanged");
        Cli forced = Cli.run("traffic", "apply", "--config", cfg, "--node", "bergen-db", "--force");
        assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
        assertThat(forced.out()).contains("changed");
        assertThat(dig(port)).containsExactly(bergen);

        long pid = Long.parseLong(Files.readString(dir.resolve("dns/named.pid")).trim());
        Cli down = Cli.run("lab", "down", "--dir", dir.toString());
        assertThat(down.exitCode()).isZero();
        assertThat(down.out()).containsPattern("dns\\s+bind\\s+-\\s+stopped");
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Cli.run("lab", "status", "--dir", dir.toString()).out()).containsPattern("dns\\s+bind\\s+-\\s+stopped");

        // Up again: the zone (with the update in its journal) is kept, on the same port.
        Cli again = up();
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("127.0.0.1:" + port);
        assertThat(dig(port)).containsExactly(bergen);
    }

    static List<String> dig(int port) throws Exception {
        return Dig.query("127.0.0.1", port, "app.lab.vakt.test", "A");
    }
}
