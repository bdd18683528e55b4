package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import no.vakt.config.DrillsConfig;
import no.vakt.lab.Binaries;
import no.vakt.lab.MariaDbServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The service name resolved by a real BIND (named) on loopback, as the drill's load does on every connect. */
class DnsServiceResolverTest {
    // named listens only on addresses configured on an interface: 127.0.0.1 (a free port), not this 127.0.46/24.
    private static final String ADDRESS = "127.0.0.1";

    @Test
    void resolvesTheServiceNameAgainstTheConfiguredServerAndSaysWhenItCannot() throws Exception {
        Assumptions.assumeTrue(Binaries.find("named").isPresent(), "skipped: named (bind9) is not installed");
        Path dir = Files.createTempDirectory("vkd-named-");
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ADDRESS), 0))) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("zone.db"), String.join("\n", "$TTL 1",
                "@ IN SOA ns.lab.vakt.test. admin.lab.vakt.test. 1 60 60 60 1", "@ IN NS ns.lab.vakt.test.",
                "ns IN A " + ADDRESS, "app IN A 127.0.46.10", ""));
        Files.writeString(dir.resolve("named.conf"), "options { directory \"" + dir + "\"; listen-on port " + port + " { "
                + ADDRESS + "; }; listen-on-v6 { none; }; pid-file \"" + dir.resolve("named.pid") + "\"; recursion no; };\n"
                // No control channel (it would take 127.0.0.1:953) and empty root hints: nothing leaves loopback.
                + "controls { };\nzone \".\" { type hint; file \"/dev/null\"; };\n"
                + "zone \"lab.vakt.test\" { type master; file \"" + dir.resolve("zone.db") + "\"; };\n");
        Process named = new ProcessBuilder(List.of(Binaries.require("named"), "-g", "-c", dir.resolve("named.conf").toString(),
                "-u", System.getProperty("user.name"))).redirectErrorStream(true)
                .redirectOutput(dir.resolve("named.log").toFile()).start();
        try {
            DnsServiceResolver resolver = new DnsServiceResolver(
                    new DrillsConfig.ServiceConfig("app.lab.vakt.test", ADDRESS + ":" + port, 3307), Duration.ofMillis(300));
            await("named answers").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> resolver.resolve() != null);
            InetSocketAddress a = resolver.resolve();
            assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.46.10");
            assertThat(a.getPort()).isEqualTo(3307);
            assertThat(resolver.throughServiceName()).isTrue();
            assertThat(resolver.describe()).isEqualTo("app.lab.vakt.test via " + ADDRESS + ":" + port + ", port 3307");

            DnsServiceResolver missing = new DnsServiceResolver(
                    new DrillsConfig.ServiceConfig("nope.lab.vakt.test", ADDRESS + ":" + port, null), Duration.ofMillis(300));
            assertThatThrownBy(missing::resolve).isInstanceOf(IOException.class).hasMessageContaining("NXDOMAIN");
        } catch (Throwable e) {
            System.out.println(Files.readString(dir.resolve("named.log")));
            throw e;
        } finally {
            named.destroy();
            if (!named.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) named.destroyForcibly();
            MariaDbServer.deleteTree(dir);
        }
    }
}
