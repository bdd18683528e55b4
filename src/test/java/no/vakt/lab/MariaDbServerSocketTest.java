package no.vakt.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import no.vakt.testing.Loopback;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.Test;

/** A lab under a deep directory (CI checkouts live in long paths) must still start: mariadbd refuses sockets over 107 bytes. */
class MariaDbServerSocketTest {

    @Test
    void aHomeTooDeepForAUnixSocketStillStartsAndAnswersOnItsSocket() throws Exception {
        Path deep = TestDirs.create("sock-").resolve("a-directory-name-long-enough-to-push-the-socket-path-past-the-limit-of-sun-path");
        MariaDbServer server = new MariaDbServer("oslo", deep, "127.0.0.1", Loopback.freePort("127.0.0.1"), Map.of());
        assertThat(deep.resolve("mariadb.sock").toString().length()).isGreaterThan(107);
        assertThat(server.socket().toString().length()).isLessThanOrEqualTo(100);
        assertThat(new MariaDbServer("oslo", deep, "127.0.0.1", 1, Map.of()).socket()).isEqualTo(server.socket());
        try {
            server.start();
            try (Connection c = server.rootConnection(); ResultSet r = c.createStatement().executeQuery("SELECT @@socket")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo(server.socket().toString());
            }
        } finally {
            server.stop();
        }
        assertThat(Files.exists(server.socket())).as("mariadbd removes its socket when it stops").isFalse();
    }

    @Test
    void aShortHomeKeepsItsSocketInside() {
        Path home = Path.of("/var/lib/vakt/lab/oslo");
        assertThat(new MariaDbServer("oslo", home, "127.0.0.1", 3306, Map.of()).socket()).isEqualTo(home.resolve("mariadb.sock"));
    }
}
