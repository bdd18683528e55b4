package no.vakt.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import no.vakt.config.AdminTls;
import no.vakt.config.ConfigLoader;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Tls;
import no.vakt.config.TlsMode;
import no.vakt.db.DbSession;
import no.vakt.db.SessionTls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/**
 * {@code bench/tls-connect}: what TLS costs a probe. {@code vakt run} opens a fresh admin connection per
 * probe every {@code checks.interval} (1 s by default), so the connect is the price paid each second.
 * Measures connect + SELECT 1 + close against the lab's primary (its own CA and certificate), plaintext
 * against each TLS mode, in interleaved rounds so drift of the machine hits every mode alike.
 */
@Command(name = "bench/tls-connect", mixinStandardHelpOptions = true,
        description = "What TLS costs a probe's fresh admin connection: plaintext, trust, verify-full")
public final class TlsConnectBench implements Callable<Integer> {
    private static final String OSLO = "127.0.130.1";
    private static final String BERGEN = "127.0.140.1";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A probe has checks.timeout (1 s by default) for everything; the connect must be a small part of it. */
    private static final Duration GOAL = Duration.ofMillis(250);

    @Option(names = "--rounds", defaultValue = "300", description = "Measured rounds per mode (10..100000)")
    int rounds;

    @Option(names = "--warmup", defaultValue = "50", description = "Rounds first, not measured, for the JIT")
    int warmup;

    @Option(names = "--dir", defaultValue = ".vakt/bench-tls-connect", description = "Where the lab lives while it runs")
    Path dir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TlsConnectBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (rounds < 10 || rounds > 100_000) throw new ParameterException(new CommandLine(this), "--rounds: 10..100000");
        if (warmup < 0) throw new ParameterException(new CommandLine(this), "--warmup: 0 or more");
        try (BenchLab lab = BenchLab.up(dir, OSLO, BERGEN)) {
            MysqlEndpoint verified = ConfigLoader.load(lab.layout().configFile()).primary().mysql();
            if (verified.tls().mode() != TlsMode.VERIFY_FULL) {
                throw new IllegalStateException("the lab's admin connection is " + verified.tls().mode().label()
                        + ", not verify-full: was it set up with --no-tls?");
            }
            measure(verified, rounds, warmup);
        }
        return 0;
    }

    private static void measure(MysqlEndpoint verified, int rounds, int warmup) throws Exception {
        String password = verified.secret().resolve();
        Map<String, MysqlEndpoint> modes = new LinkedHashMap<>();
        modes.put("plain (disable)", verified.withTls(AdminTls.NONE));
        modes.put("trust", verified.withTls(AdminTls.following(new Tls(true, null, null, null, false), "bench")));
        modes.put("verify-full + CA", verified);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Map<String, List<Long>> wall = new LinkedHashMap<>();
        Map<String, List<Long>> cpuNs = new LinkedHashMap<>();
        modes.keySet().forEach(k -> {
            wall.put(k, new ArrayList<>());
            cpuNs.put(k, new ArrayList<>());
        });
        for (int i = -warmup; i < rounds; i++) {
            for (Map.Entry<String, MysqlEndpoint> m : modes.entrySet()) {
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                try (DbSession db = DbSession.open(m.getValue(), password, CONNECT_TIMEOUT)) {
                    db.scalar("SELECT 1");
                }
                long t1 = System.nanoTime();
                long c1 = cpu.getCurrentThreadCpuTime();
                if (i >= 0) {
                    wall.get(m.getKey()).add(t1 - t0);
                    cpuNs.get(m.getKey()).add(c1 - c0);
                }
            }
        }
        System.out.printf(Locale.ROOT, "bench/tls-connect: connect + SELECT 1 + close on loopback, %d rounds after %d"
                + " warm-up, %s%n", rounds, warmup, verified.address());
        System.out.printf(Locale.ROOT, "%-17s %10s %10s %10s %16s%n", "mode", "median", "p90", "p99", "client CPU med");
        for (String k : modes.keySet()) {
            List<Long> w = wall.get(k);
            System.out.printf(Locale.ROOT, "%-17s %7.2f ms %7.2f ms %7.2f ms %13.2f ms%n", k, ms(w, 50), ms(w, 90),
                    ms(w, 99), ms(cpuNs.get(k), 50));
        }
        namingCost(modes.get("verify-full + CA"), password, rounds);
        double plain = ms(wall.get("plain (disable)"), 50);
        double full = ms(wall.get("verify-full + CA"), 50);
        System.out.printf(Locale.ROOT, "ratio verify-full / plain (median): %.2fx%n", full / plain);
        System.out.printf(Locale.ROOT, "goal: verified TLS connect median under %d ms (a probe's timeout is 1 s): %s%n",
                GOAL.toMillis(), full < GOAL.toMillis() ? "MET" : "NOT MET");
    }

    /** The one extra query an inspection pays (when it shows them) to name the protocol and cipher. */
    private static void namingCost(MysqlEndpoint endpoint, String password, int rounds) throws SQLException {
        try (DbSession db = DbSession.open(endpoint, password, CONNECT_TIMEOUT)) {
            SessionTls s = db.sessionTls();
            List<Long> q = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                db.rows("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')");
                q.add(System.nanoTime() - t0);
            }
            System.out.printf(Locale.ROOT, "session %s; naming it (one SHOW SESSION STATUS) median %.2f ms%n",
                    s.describe(), ms(q, 50));
        }
    }

    private static double ms(List<Long> nanos, int percentile) {
        List<Long> values = nanos.stream().map(n -> n / 1000).toList(); // microseconds keep two decimals of ms
        return BenchLab.percentile(values, percentile) / 1000.0;
    }
}
