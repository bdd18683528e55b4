package no.vakt.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.WarmupConfig;
import no.vakt.db.DbSession;
import no.vakt.lab.MariaDbServer;
import no.vakt.warmup.Warmup;
import no.vakt.warmup.WarmupResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/warm}: a primary and two standbys seeded apart from it (other tablespace ids, rows loaded in
 * the opposite order, as a mariadb-dump seed leaves them), all with a small buffer pool and O_DIRECT. The
 * shop's skewed reads run on the primary while Vakt's warmup refreshes one standby (W) and the other (C)
 * only replicates. Then the primary is killed and each standby in turn is promoted and takes the same reads:
 * physical reads and read latency after promotion, warm against cold, in one run.
 */
@Command(name = "bench/warm", mixinStandardHelpOptions = true,
        description = "warm vs cold standby after a failover: physical reads and read p99")
public final class WarmBench implements Callable<Integer> {
    @Option(names = "--products", defaultValue = "450000", description = "Product rows (~500 B each)")
    int products;

    @Option(names = "--sessions", defaultValue = "200000", description = "Session rows (~220 B each)")
    int sessions;

    @Option(names = "--pool", defaultValue = "64M", description = "innodb_buffer_pool_size of every server")
    String pool;

    @Option(names = "--steady", defaultValue = "120", description = "Seconds of reads on the primary before the kill")
    int steadySeconds;

    @Option(names = "--refresh", defaultValue = "20", description = "Seconds between warmup refreshes of W")
    int refreshSeconds;

    @Option(names = "--after", defaultValue = "60", description = "Seconds of reads on each promoted standby")
    int afterSeconds;

    @Option(names = "--threads", defaultValue = "4", description = "Reader threads")
    int threads;

    @Option(names = "--rate", defaultValue = "100", description = "Reads per second per thread")
    int rate;

    @Option(names = "--dir", defaultValue = ".vakt/bench-warm", description = "Where the servers live")
    Path dir;

    @Option(names = "--hot-share", defaultValue = "0.95", description = "Share of reads that go to the hot set; the rest fall anywhere")
    double hotShare;

    @Option(names = "--pages-per-second", defaultValue = "1000",
            description = "warmup.pages-per-second: a second's reads must fit the 64 MiB pool's old sublist (~1500 pages)")
    int pagesPerSecond;
    @Option(names = "--diagnose", description = "Run the reads after promotion through ANALYZE and tally the pages each"
            + " read from disk by where its key lies (band and position in it, recent sessions, the cold tail)")
    boolean diagnose;

    @Option(names = "--cold-first", description = "Promote C before W")
    boolean coldFirst;

    /** Hot product bands: start as a share of the id space, each {@link #BAND} wide. */
    private static final double[] BANDS = {0.07, 0.31, 0.55, 0.82};
    private static final double BAND = 0.015;
    /** The newest share of sessions is hot. */
    private static final double RECENT = 0.10;

    public static void main(String[] args) {
        System.exit(new CommandLine(new WarmBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> common = new LinkedHashMap<>();
        common.put("innodb-buffer-pool-size", pool);
        common.put("innodb-flush-method", "O_DIRECT");
        common.put("innodb-buffer-pool-load-at-startup", "OFF");
        common.put("innodb-buffer-pool-dump-at-shutdown", "OFF");
        common.put("log-bin", "mysql-bin");
        common.put("binlog-format", "ROW");
        common.put("gtid-strict-mode", "1");
        common.put("skip-name-resolve", "1");
        MariaDbServer p = server("p", "127.0.63.1", 1, common, false);
        MariaDbServer w = server("w", "127.0.63.2", 2, common, true);
        MariaDbServer c = server("c", "127.0.63.3", 3, common, true);
        List<MariaDbServer> all = List.of(p, w, c);
        try {
            for (MariaDbServer s : all) {
                s.destroy();
                s.start();
            }
            long t0 = System.nanoTime();
            List<Thread> loads = List.of(new Thread(() -> load(p, false)), new Thread(() -> load(w, true)),
                    new Thread(() -> load(c, true)));
            loads.forEach(Thread::start);
            for (Thread t : loads) t.join();
            System.out.printf(Locale.ROOT, "loaded %d products, %d sessions on each server in %.0f s (%s)%n", products,
                    sessions, (System.nanoTime() - t0) / 1e9, sizes(p));
            p.rootExecute("SET sql_log_bin = 0", "CREATE USER repl@'%' IDENTIFIED BY 'repl-bench'",
                    "GRANT REPLICATION SLAVE ON *.* TO repl@'%'");
            for (MariaDbServer s : List.of(w, c)) {
                s.rootExecute("CHANGE MASTER TO MASTER_HOST = '" + p.host() + "', MASTER_PORT = " + p.port()
                        + ", MASTER_USER = 'repl', MASTER_PASSWORD = 'repl-bench', MASTER_USE_GTID = slave_pos",
                        "START SLAVE");
            }
            p.rootExecute("CREATE TABLE shop.hb (id INT PRIMARY KEY, ts DATETIME(6)) ENGINE=InnoDB",
                    "INSERT INTO shop.hb VALUES (1, NOW(6))");
            return run(p, w, c);
        } finally {
            for (MariaDbServer s : all) s.destroy();
        }
    }

    private int run(MariaDbServer p, MariaDbServer w, MariaDbServer c) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(p, writing), "writer");
        writer.start();
        Lag lag = new Lag(w);
        lag.start();
        Reads steady = Reads.start(p, threads, rate, products, sessions, hotShare, false);
        Warmup warmup = new Warmup(new WarmupConfig(true, Duration.ofSeconds(10), 6000, pagesPerSecond, Duration.ofSeconds(1)),
                Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
        List<WarmupResult> refreshes = new ArrayList<>();
        long steadyEnd = System.nanoTime() + steadySeconds * 1_000_000_000L;
        long nextRefresh = System.nanoTime() + refreshSeconds * 1_000_000_000L / 2;
        double lagDuringWarm = 0;
        while (System.nanoTime() < steadyEnd) {
            if (System.nanoTime() >= nextRefresh) {
                lag.resetMax();
                try (DbSession ps = root(p); DbSession ws = root(w)) {
                    WarmupResult r = warmup.refresh(ps, ws, "p", "w");
                    refreshes.add(r);
                    System.out.println("  " + r.summary() + String.format(Locale.ROOT, "; W's lag at most %.2f s meanwhile", lag.max()));
                }
                lagDuringWarm = Math.max(lagDuringWarm, lag.max());
                nextRefresh = System.nanoTime() + refreshSeconds * 1_000_000_000L;
            }
            Thread.sleep(100);
        }
        if (diagnose) {
            try (DbSession ps = root(p)) {
                for (no.vakt.warmup.KeyRange r : warmup.plan(ps)) {
                    double n = r.table().equals("product") ? products : sessions;
                    System.out.printf(Locale.ROOT, "  planned now: %s.%s %.4f..%.4f of the ids (%d pages)%n", r.table(),
                            r.index(), r.from() / n, r.to() / n, r.cost());
                }
            }
        }
        long pr0 = status(p, "Innodb_buffer_pool_reads");
        Thread.sleep(10_000);
        long primaryReads10 = status(p, "Innodb_buffer_pool_reads") - pr0;
        List<long[]> steadySamples = steady.stop();
        long steadyP99 = p99(steadySamples, steadySamples.isEmpty() ? 0 : steadySamples.get(steadySamples.size() - 1)[0] - 30_000_000_000L, Long.MAX_VALUE);
        writing.set(false);
        writer.join();
        lag.stop();
        System.out.printf(Locale.ROOT, "primary, steady: %d physical reads in its last 10 s (the cold tail's floor)%n",
                primaryReads10);
        System.out.printf(Locale.ROOT, "primary, steady (last 30 s): read p99 %.2f ms; W's replication lag at most %.2f s"
                + " during warmup refreshes, %.2f s over the whole run%n", steadyP99 / 1e6, lagDuringWarm, lag.overall());
        // Both standbys have applied everything: compare only their buffer pools.
        p.kill();
        List<long[]> baseline = new ArrayList<>();
        for (long[] x : steadySamples) if (x[0] >= steadySamples.get(steadySamples.size() - 1)[0] - 30_000_000_000L) baseline.add(x);
        // The first promoted right after the kill, the second a minute later: --cold-first swaps them, so that
        // an order effect on latency (the kill's aftermath on a shared machine) shows as such.
        Result cold = coldFirst ? afterPromotion("C (cold)", c, steadyP99, baseline) : null;
        Result warm = afterPromotion("W (warmed)", w, steadyP99, baseline);
        if (!coldFirst) cold = afterPromotion("C (cold)", c, steadyP99, baseline);
        System.out.printf(Locale.ROOT, "hot share %.2f; reads above the primary's floor in the first 10 s: warm %d, cold %d%n",
                hotShare, warm.reads10 - primaryReads10, cold.reads10 - primaryReads10);
        System.out.printf(Locale.ROOT, "physical reads in the first 10 s: warm %d, cold %d: %.1f %% fewer (goal >= 90 %%)%n",
                warm.reads10, cold.reads10, 100.0 * (cold.reads10 - warm.reads10) / Math.max(1, cold.reads10));
        System.out.printf(Locale.ROOT, "physical reads in the first 60 s: warm %d, cold %d: %.1f %% fewer%n",
                warm.reads60, cold.reads60, 100.0 * (cold.reads60 - warm.reads60) / Math.max(1, cold.reads60));
        return 0;
    }

    record Result(long reads10, long reads60) {}

    private Result afterPromotion(String label, MariaDbServer s, long steadyP99, List<long[]> baseline) throws Exception {
        s.rootExecute("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF");
        long r0 = status(s, "Innodb_buffer_pool_reads");
        long start = System.nanoTime();
        Reads reads = Reads.start(s, threads, rate, products, sessions, hotShare, diagnose);
        Thread.sleep(10_000);
        long r10 = status(s, "Innodb_buffer_pool_reads");
        if (diagnose) System.out.println("  " + label + ", pages read from disk in the first 10 s by where the key lies: " + reads.misses());
        Thread.sleep(Math.max(0, afterSeconds - 10) * 1000L);
        List<long[]> samples = reads.stop();
        long r60 = status(s, "Innodb_buffer_pool_reads");
        long sec = 1_000_000_000L;
        long p1 = p99(samples, start, start + sec);
        long p10 = p99(samples, start, start + 10 * sec);
        long p60 = p99(samples, start, start + afterSeconds * sec);
        // Time to warm as the drill decides it (TimeToWarm): 3 one-second windows in a row within 1.5x the
        // primary's steady p99 (its last 30 s before the kill are the "before the fault").
        List<no.vakt.drill.TimeToWarm.Sample> timed = new ArrayList<>();
        long origin = baseline.isEmpty() ? start : baseline.get(0)[0];
        for (long[] x : baseline) timed.add(sample(x, origin));
        for (long[] x : samples) timed.add(sample(x, origin));
        java.time.Instant promoted = java.time.Instant.EPOCH.plusNanos(start - origin);
        String warmAt = no.vakt.drill.TimeToWarm.decide(timed, promoted, promoted,
                promoted.plusSeconds(afterSeconds), Duration.ofSeconds(afterSeconds)).map(no.vakt.drill.TimeToWarm::describe)
                .orElse("undecided");
        System.out.printf(Locale.ROOT, "%s promoted: physical reads %d in 10 s, %d in %d s; read p99 %.2f ms in the"
                        + " first second (%.1fx the primary's), %.2f ms in 10 s, %.2f ms in %d s; %d reads; time to warm"
                        + " %s%n",
                label, r10 - r0, r60 - r0, afterSeconds, p1 / 1e6, (double) p1 / steadyP99, p10 / 1e6, p60 / 1e6,
                afterSeconds, samples.size(), warmAt);
        return new Result(r10 - r0, r60 - r0);
    }

    private static no.vakt.drill.TimeToWarm.Sample sample(long[] x, long origin) {
        return new no.vakt.drill.TimeToWarm.Sample(java.time.Instant.EPOCH.plusNanos(x[0] - origin), Duration.ofNanos(x[1]), true);
    }

    /** Nearest-rank p99 of the latencies of samples started in [from, to); 0 without samples. */
    static long p99(List<long[]> samples, long from, long to) {
        List<Long> in = new ArrayList<>();
        for (long[] s : samples) if (s[0] >= from && s[0] < to) in.add(s[1]);
        return in.isEmpty() ? 0 : BenchLab.percentile(in, 99);
    }

    private MariaDbServer server(String name, String host, int id, Map<String, String> common, boolean replica) {
        Map<String, String> o = new LinkedHashMap<>(common);
        o.put("server-id", Integer.toString(id));
        o.put("read-only", replica ? "1" : "0");
        return new MariaDbServer(name, dir.resolve(name), host, 3306, o);
    }

    /** The shop's tables, loaded without binlog; a standby's in the opposite order after another table. */
    private void load(MariaDbServer s, boolean asSeeded) {
        try (Connection conn = connect(s, 600_000); Statement st = conn.createStatement()) {
            st.execute("SET sql_log_bin = 0");
            st.execute("CREATE DATABASE shop");
            if (asSeeded) st.execute("CREATE TABLE shop.aaa_filler (id INT PRIMARY KEY) ENGINE=InnoDB");
            st.execute("CREATE TABLE shop.product (id INT PRIMARY KEY, category INT NOT NULL, name VARCHAR(40),"
                    + " price INT, descr VARCHAR(500), KEY cat (category)) ENGINE=InnoDB");
            st.execute("CREATE TABLE shop.session (id BIGINT PRIMARY KEY AUTO_INCREMENT, user_id INT, data"
                    + " VARCHAR(200)) ENGINE=InnoDB");
            String order = asSeeded ? "seq_" + products + "_to_1" : "seq_1_to_" + products;
            st.execute("INSERT INTO shop.product SELECT seq, seq % 200, CONCAT('product ', seq), seq % 997,"
                    + " REPEAT(CHAR(65 + seq % 26), 420) FROM shop." + order);
            String sorder = asSeeded ? "seq_" + sessions + "_to_1" : "seq_1_to_" + sessions;
            st.execute("INSERT INTO shop.session SELECT seq, seq % 50000, REPEAT('s', 180) FROM shop." + sorder);
            st.execute("ANALYZE TABLE shop.product, shop.session");
        } catch (SQLException e) {
            throw new IllegalStateException("load on " + s.name() + ": " + e.getMessage(), e);
        }
    }

    /** New sessions and the heartbeat on the primary: the replication the warmup must not hold back. */
    private static void write(MariaDbServer p, AtomicBoolean writing) {
        try (Connection conn = connect(p, 10_000);
                PreparedStatement ins = conn.prepareStatement("INSERT INTO shop.session (user_id, data) VALUES (?, ?)");
                PreparedStatement hb = conn.prepareStatement("UPDATE shop.hb SET ts = NOW(6) WHERE id = 1")) {
            while (writing.get()) {
                ins.setInt(1, ThreadLocalRandom.current().nextInt(50_000));
                ins.setString(2, "s".repeat(180));
                ins.executeUpdate();
                hb.executeUpdate();
                Thread.sleep(20);
            }
        } catch (SQLException | InterruptedException e) {
            if (writing.get()) System.out.println("writer stopped: " + e.getMessage());
        }
    }

    /** W's replication lag by the heartbeat row, sampled every 100 ms. */
    static final class Lag {
        private final MariaDbServer s;
        private final AtomicBoolean on = new AtomicBoolean(true);
        private final AtomicLong maxMicros = new AtomicLong();
        private final AtomicLong overallMicros = new AtomicLong();
        private Thread thread;

        Lag(MariaDbServer s) {
            this.s = s;
        }

        void start() {
            thread = new Thread(() -> {
                try (Connection conn = connect(s, 10_000); Statement st = conn.createStatement()) {
                    while (on.get()) {
                        try (ResultSet rs = st.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)) FROM shop.hb")) {
                            if (rs.next()) {
                                long l = rs.getLong(1);
                                maxMicros.accumulateAndGet(l, Math::max);
                                overallMicros.accumulateAndGet(l, Math::max);
                            }
                        }
                        Thread.sleep(100);
                    }
                } catch (SQLException | InterruptedException e) {
                    System.out.println("lag sampler stopped: " + e.getMessage());
                }
            }, "lag");
            thread.start();
        }

        void resetMax() {
            maxMicros.set(0);
        }

        double max() {
            return maxMicros.get() / 1e6;
        }

        double overall() {
            return overallMicros.get() / 1e6;
        }

        void stop() throws InterruptedException {
            on.set(false);
            thread.join();
        }
    }

    /** Reader threads at a fixed pace; each sample is {start nanos, latency nanos}. */
    static final class Reads {
        private final AtomicBoolean on = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private final java.util.concurrent.ConcurrentSkipListMap<String, AtomicLong> misses = new java.util.concurrent.ConcurrentSkipListMap<>();
        private volatile boolean analyze;
        private static final java.util.regex.Pattern READ = java.util.regex.Pattern.compile("\"pages_read_count\"\\s*:\\s*(\\d+)");

        static Reads start(MariaDbServer s, int n, int rate, int products, int sessions, double hotShare, boolean analyze) {
            Reads r = new Reads();
            r.analyze = analyze;
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> r.loop(s, rate, products, sessions, hotShare), "reader-" + i);
                r.threads.add(t);
                t.start();
            }
            return r;
        }

        private void loop(MariaDbServer s, int rate, int products, int sessions, double hotShare) {
            long period = 1_000_000_000L / rate;
            try (Connection conn = connect(s, 10_000);
                    PreparedStatement product = conn.prepareStatement((analyze ? "ANALYZE FORMAT=JSON " : "")
                            + "SELECT name, price, descr FROM shop.product WHERE id = ?");
                    PreparedStatement session = conn.prepareStatement((analyze ? "ANALYZE FORMAT=JSON " : "")
                            + "SELECT user_id, data FROM shop.session WHERE id = ?")) {
                long next = System.nanoTime();
                while (on.get()) {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    boolean hot = rnd.nextDouble() < hotShare;
                    PreparedStatement ps;
                    long id;
                    if (rnd.nextInt(4) == 0) {
                        ps = session;
                        id = hot ? sessions - (long) (rnd.nextDouble() * RECENT * sessions) : 1 + rnd.nextInt(sessions);
                    } else {
                        ps = product;
                        double band = BANDS[rnd.nextInt(BANDS.length)];
                        id = hot ? 1 + (long) ((band + rnd.nextDouble() * BAND) * products) : 1 + rnd.nextInt(products);
                    }
                    ps.setLong(1, id);
                    long t = System.nanoTime();
                    String first = null;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) first = rs.getString(1);
                    }
                    samples.add(new long[] {t, System.nanoTime() - t});
                    if (analyze && analyze(first) > 0) misses.computeIfAbsent(where(ps == session, hot, id, products, sessions),
                            k -> new AtomicLong()).addAndGet(analyze(first));
                    next += period;
                    long wait = next - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    else next = System.nanoTime(); // behind: do not burst to catch up
                }
            } catch (SQLException | InterruptedException e) {
                if (on.get()) System.out.println("reader stopped: " + e.getMessage());
            }
        }

        private static long analyze(String json) {
            java.util.regex.Matcher m = READ.matcher(json == null ? "" : json);
            long n = 0;
            while (m.find()) n += Long.parseLong(m.group(1));
            return n;
        }

        /** The region a read's key lies in: a band and its tenth (0 = the band's low edge), the recent sessions, the cold tail. */
        private static String where(boolean isSession, boolean hot, long id, int products, int sessions) {
            if (isSession) return hot ? "sessions-recent" : "sessions-cold";
            if (!hot) return "products-cold";
            for (int b = 0; b < BANDS.length; b++) {
                double q = ((double) (id - 1) / products - BANDS[b]) / BAND;
                if (q >= 0 && q < 1) return "band" + b + "-" + (int) (q * 10);
            }
            return "products-other";
        }

        /** Pages read from disk so far by region; resets the tally. */
        String misses() {
            StringBuilder b = new StringBuilder();
            misses.forEach((k, v) -> b.append(k).append('=').append(v.getAndSet(0)).append(' '));
            return b.toString().trim();
        }

        List<long[]> stop() throws InterruptedException {
            on.set(false);
            for (Thread t : threads) t.join();
            List<long[]> out = new ArrayList<>(samples);
            out.sort((a, b) -> Long.compare(a[0], b[0]));
            return out;
        }
    }

    private static String sizes(MariaDbServer s) throws SQLException {
        try (Connection conn = connect(s, 10_000); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM"
                        + " information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'")) {
            rs.next();
            return rs.getString(1) + " MB of tables";
        }
    }

    private static long status(MariaDbServer s, String name) throws SQLException {
        try (Connection conn = connect(s, 10_000); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private static DbSession root(MariaDbServer s) throws SQLException {
        return DbSession.open(new MysqlEndpoint(s.host(), s.port(), "root", null, null, null), "", Duration.ofSeconds(60));
    }

    private static Connection connect(MariaDbServer s, int socketTimeoutMs) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + s.host() + ":" + s.port()
                + "/?connectTimeout=2000&socketTimeout=" + socketTimeoutMs, "root", "");
    }
}
