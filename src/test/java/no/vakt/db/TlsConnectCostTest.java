package no.vakt.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import no.vakt.config.AdminTls;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Tls;
import no.vakt.config.TlsMode;
import no.vakt.lab.TlsCerts;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * What TLS costs a probe: {@code vakt run} opens a fresh admin connection per probe every
 * {@code checks.interval} (1 s by default), so the connect is the price paid each second. Measures
 * connect + SELECT 1 + close on loopback against a real mariadbd, plain against each TLS mode, in
 * interleaved rounds so drift of the machine hits every mode alike, and prints the figures.
 */
class TlsConnectCostTest {
    /** Enough rounds for a stable median and p90 in a few seconds; warm-up lets the JIT settle first. */
    private static final int WARMUP = 50;
    private static final int ROUNDS = 300;

    @Test
    void tlsConnectCostOnLoopback() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TlsCerts certs = AdminTlsTest.serveTls(pair);
            MysqlEndpoint base = pair.config().primary().mysql();
            String password = base.secret().resolve();
            Map<String, MysqlEndpoint> modes = new LinkedHashMap<>();
            modes.put("plain (disable)", base.withTls(AdminTls.NONE));
            modes.put("trust", base.withTls(AdminTls.following(new Tls(true, null, null, null, false), "test")));
            modes.put("verify-full + CA", base.withTls(AdminTls.following(new Tls(true, certs.ca(), null, null, true), "test")));
            assertThat(modes.get("verify-full + CA").tls().mode()).isEqualTo(TlsMode.VERIFY_FULL);

            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            Map<String, long[]> wall = new LinkedHashMap<>();
            Map<String, long[]> cpuNs = new LinkedHashMap<>();
            modes.keySet().forEach(k -> {
                wall.put(k, new long[ROUNDS]);
                cpuNs.put(k, new long[ROUNDS]);
            });
            for (int i = -WARMUP; i < ROUNDS; i++) {
                for (Map.Entry<String, MysqlEndpoint> m : modes.entrySet()) {
                    long c0 = cpu.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    try (DbSession db = DbSession.open(m.getValue(), password, Duration.ofSeconds(5))) {
                        db.scalar("SELECT 1");
                    }
                    long t1 = System.nanoTime();
                    long c1 = cpu.getCurrentThreadCpuTime();
                    if (i >= 0) {
                        wall.get(m.getKey())[i] = t1 - t0;
                        cpuNs.get(m.getKey())[i] = c1 - c0;
                    }
                }
            }
            // The extra query an inspection pays (once per session) to name the protocol and cipher.
            try (DbSession db = DbSession.open(modes.get("verify-full + CA"), password, Duration.ofSeconds(5))) {
                SessionTls s = db.sessionTls();
                assertThat(s.protocol()).startsWith("TLSv1.");
                long[] q = new long[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) {
                    long t0 = System.nanoTime();
                    db.rows("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')");
                    q[i] = System.nanoTime() - t0;
                }
                Arrays.sort(q);
                System.out.printf(Locale.ROOT, "TLS connect cost: session %s; naming it (one SHOW SESSION STATUS) median %.2f ms%n",
                        s.describe(), q[ROUNDS / 2] / 1e6);
            }
            System.out.printf(Locale.ROOT, "TLS connect cost: connect + SELECT 1 + close on loopback, %d rounds, MariaDB %s%n",
                    ROUNDS, "10.11");
            for (String k : modes.keySet()) {
                long[] w = wall.get(k).clone();
                long[] c = cpuNs.get(k).clone();
                Arrays.sort(w);
                Arrays.sort(c);
                System.out.printf(Locale.ROOT, "TLS connect cost: %-17s median %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  client CPU median %5.2f ms%n",
                        k, w[ROUNDS / 2] / 1e6, w[ROUNDS * 9 / 10] / 1e6, w[ROUNDS * 99 / 100] / 1e6, c[ROUNDS / 2] / 1e6);
            }
            long[] verified = wall.get("verify-full + CA").clone();
            Arrays.sort(verified);
            // A probe has checks.timeout (1 s by default) for everything; the connect must be a small part of it.
            assertThat(verified[ROUNDS / 2]).as("median verified TLS connect").isLessThan(Duration.ofMillis(250).toNanos());
        }
    }
}
