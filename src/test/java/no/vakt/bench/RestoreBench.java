package no.vakt.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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
import no.vakt.backup.ScratchServer;
import no.vakt.cli.Main;
import no.vakt.cluster.Sleeper;
import no.vakt.lab.Lab;
import no.vakt.lab.LabLayout;
import no.vakt.lab.LabSettings;
import no.vakt.lab.LabSite;
import no.vakt.lab.MariaDbServer;
import no.vakt.process.BoundedProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/restore}: a shop's database loaded on the lab's primary, a nightly {@code mariadb-dump} (gzip)
 * and a Vakt base backup taken back to back, then a day of orders, then the mistake ({@code DROP TABLE orders}),
 * then more writes, and the archive. Restored three ways: Vakt's backup + archive to just before the DROP,
 * the dump reloaded into a fresh server, and nothing (the primary as the mistake left it; a standby replicates
 * it). Each way: the time and what it lost, against the primary's rows just before the DROP.
 */
@Command(name = "bench/restore", mixinStandardHelpOptions = true,
        description = "point-in-time restore (base backup + binlog archive) vs a mariadb-dump reload")
public final class RestoreBench implements Callable<Integer> {
    @Option(names = "--size-mb", defaultValue = "1024", description = "Data to load (data + indexes, MiB)")
    int sizeMb;

    @Option(names = "--day-orders", defaultValue = "2000", description = "Orders written after the dump and backup (one transaction each)")
    int dayOrders;

    @Option(names = "--runs", defaultValue = "1", description = "Restores of each kind (medians when more than one)")
    int runs;

    @Option(names = "--dir", defaultValue = ".vakt/bench-restore", description = "Where the servers and copies live")
    Path dir;

    /** Orders per load round, with 3 items each: about 100 MiB a round. */
    private static final int ROUND = 250_000;
    private static final int CUSTOMERS = 200_000;
    private static final int PRODUCTS = 20_000;
    private static final String OSLO = "127.0.66.1";
    private static final String BERGEN = "127.0.66.2";
    private static final String RESTORED = "127.0.66.3";
    private static final Duration LONG = Duration.ofHours(2);
    private static final String MISTAKE = "DROP TABLE shop.orders";

    public static void main(String[] args) {
        System.exit(new CommandLine(new RestoreBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path home = dir.toAbsolutePath();
        try (BenchLab bench = BenchLab.up(home.resolve("lab"), OSLO, BERGEN, "--no-tls")) {
            LabLayout layout = bench.layout();
            Path cfg = layout.configFile();
            Files.writeString(cfg, Files.readString(cfg) + "backup:\n  repository: {path: " + home.resolve("repo") + ", country: NO}\n"
                    + "  timeout: 2h\n");
            MariaDbServer primary = roomierPrimary(layout);
            System.out.printf("load average at start: %s%n", loadAverage());
            long t = System.nanoTime();
            load(primary);
            long bytes = shopBytes(primary);
            System.out.printf("loaded %.2f GiB (data + indexes of shop) in %.0f s%n", gib(bytes), secondsSince(t));

            t = System.nanoTime();
            Path dump = dump(primary, home);
            System.out.printf("nightly dump: mariadb-dump | gzip in %.1f s, %d MiB%n", secondsSince(t), Files.size(dump) >> 20);
            t = System.nanoTime();
            vakt("backup", "take", "-c", cfg.toString());
            System.out.printf("vakt backup take in %.1f s, %d MiB in the repository%n", secondsSince(t), treeBytes(home.resolve("repo")) >> 20);

            writeOrders(primary, 1_000_000_000L, dayOrders);
            Figures beforeMistake = Figures.of(primary);
            try (Connection c = socket(primary); Statement s = c.createStatement()) {
                s.execute("USE shop");
                s.execute("DROP TABLE orders"); // the server logs it bare, under use `shop`: --before names it qualified
                s.execute("INSERT INTO customers (id, email, name, address, created) SELECT " + (CUSTOMERS + 1)
                        + ", 'late@example.com', 'After the mistake', '-', NOW()");
            }
            vakt("backup", "archive", "-c", cfg.toString());
            Figures nothing = Figures.of(primary);
            System.out.printf("load average before the restores: %s%n", loadAverage());

            List<Double> pitr = new ArrayList<>();
            Figures pitrFigures = null;
            for (int i = 0; i < runs; i++) {
                Path into = home.resolve("pitr-" + i);
                MariaDbServer.deleteTree(into);
                t = System.nanoTime();
                vakt("restore", "-c", cfg.toString(), "--into", into.toString(), "--before", MISTAKE, "--host", RESTORED,
                        "--port", Integer.toString(no.vakt.testing.Loopback.freePort(RESTORED)));
                pitr.add(secondsSince(t));
                ScratchServer restored = new ScratchServer(into, Clock.systemUTC(), Sleeper.REAL);
                try (Connection c = restored.connect()) {
                    pitrFigures = Figures.of(c);
                } finally {
                    restored.stop(Duration.ofSeconds(60));
                    MariaDbServer.deleteTree(into);
                }
                System.out.printf("  point-in-time restore %d: %.1f s (load %s)%n", i + 1, pitr.get(i), loadAverage());
            }
            List<Double> reload = new ArrayList<>();
            Figures dumpFigures = null;
            for (int i = 0; i < runs; i++) {
                Path into = home.resolve("dump-" + i);
                MariaDbServer.deleteTree(into);
                MariaDbServer fresh = new MariaDbServer("reload", into, RESTORED, no.vakt.testing.Loopback.freePort(RESTORED),
                        Map.of("innodb-buffer-pool-size", "128M", "innodb-log-file-size", "96M"));
                t = System.nanoTime();
                reload(fresh, dump, into);
                reload.add(secondsSince(t));
                try {
                    dumpFigures = Figures.of(fresh);
                } finally {
                    fresh.stop();
                    MariaDbServer.deleteTree(into);
                }
                System.out.printf("  dump reload %d: %.1f s (load %s)%n", i + 1, reload.get(i), loadAverage());
            }
            double p = median(pitr);
            double d = median(reload);
            System.out.printf("%nshop data %.2f GiB; the chosen transaction: %s; %d orders written after the dump and backup%n",
                    gib(bytes), MISTAKE, dayOrders);
            System.out.printf("%-34s %10s %10s  %s%n", "way", "seconds", "s per GiB", "lost before the chosen transaction");
            System.out.printf("%-34s %10.1f %10.1f  %s%n", "Vakt base backup + archive (PITR)", p, p / gib(bytes), pitrFigures.lossAgainst(beforeMistake));
            System.out.printf("%-34s %10.1f %10.1f  %s%n", "mariadb-dump reload (nightly)", d, d / gib(bytes), dumpFigures.lossAgainst(beforeMistake));
            System.out.printf("%-34s %10s %10s  %s%n", "nothing (the standby replicated it)", "-", "-", nothing.lossAgainst(beforeMistake));
            boolean lostNothing = pitrFigures.lossAgainst(beforeMistake).equals(Figures.NOTHING_LOST);
            System.out.printf("PITR %.1fx faster than the dump reload (goal 5x): %s; PITR lost nothing: %s%n", d / p,
                    d / p >= 5 ? "MET" : "NOT MET", lostNothing ? "yes" : "NO");
            System.out.printf("load average at the end: %s (2 cores shared with other jobs)%n", loadAverage());
            return lostNothing && d / p >= 5 ? 0 : 1;
        } finally {
            MariaDbServer.deleteTree(home.resolve("repo"));
            Files.deleteIfExists(home.resolve("shop.sql.gz"));
        }
    }

    /** The lab's primary restarted with a pool and redo log that load a GiB in minutes, not its 32M. */
    private static MariaDbServer roomierPrimary(LabLayout layout) throws Exception {
        Lab lab = new Lab(layout);
        LabSettings settings = lab.settings().orElseThrow();
        MariaDbServer old = lab.server(LabSite.OSLO, settings);
        old.stop();
        Map<String, String> options = new LinkedHashMap<>(LabSite.OSLO.profile());
        options.put("innodb-buffer-pool-size", "1G");
        options.put("innodb-log-file-size", "512M");
        MariaDbServer s = new MariaDbServer(old.name(), old.home(), old.host(), old.port(), options);
        s.start();
        return s;
    }

    /** Without binary logging: the load is the past, as older binlogs a purge has removed. */
    private void load(MariaDbServer primary) throws SQLException {
        try (Connection c = socket(primary); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("DROP DATABASE IF EXISTS shop");
            s.execute("CREATE DATABASE shop");
            s.execute("USE shop");
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(80), name VARCHAR(80), address VARCHAR(200),"
                    + " created DATETIME, KEY (email))");
            s.execute("CREATE TABLE products (id INT PRIMARY KEY, sku CHAR(12), name VARCHAR(80), description TEXT,"
                    + " price DECIMAL(10,2))");
            s.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT, created DATETIME, status VARCHAR(10),"
                    + " total DECIMAL(10,2), note CHAR(32), KEY (customer_id), KEY (created))");
            s.execute("CREATE TABLE order_items (order_id BIGINT, line TINYINT, product_id INT, qty SMALLINT, price DECIMAL(10,2),"
                    + " PRIMARY KEY (order_id, line), KEY (product_id))");
            s.execute("INSERT INTO customers SELECT seq, CONCAT('c', seq, '@example.com'), CONCAT('Customer ', seq),"
                    + " CONCAT(seq, ' Main Street, ', MD5(seq), ' ', MD5(seq + 1)), '2025-01-01' + INTERVAL seq MINUTE FROM seq_1_to_" + CUSTOMERS);
            s.execute("INSERT INTO products SELECT seq, LPAD(seq, 12, '0'), CONCAT('Product ', seq), REPEAT(MD5(seq), 12),"
                    + " (seq % 10000) / 100 + 1 FROM seq_1_to_" + PRODUCTS);
            long target = (long) sizeMb << 20;
            for (long from = 1; shopBytes(primary) < target; from += ROUND) {
                long to = from + ROUND - 1;
                s.execute("INSERT INTO orders SELECT seq, 1 + (seq * 7919) % " + CUSTOMERS + ", '2026-01-01' + INTERVAL (seq % 29000000) SECOND,"
                        + " ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'done'), (seq % 100000) / 100, MD5(seq) FROM seq_" + from + "_to_" + to);
                s.execute("INSERT INTO order_items SELECT o.seq, l.seq, 1 + (o.seq * 31 + l.seq) % " + PRODUCTS + ", 1 + (o.seq + l.seq) % 5,"
                        + " (o.seq * l.seq % 10000) / 100 FROM seq_" + from + "_to_" + to + " o JOIN seq_1_to_3 l");
                System.out.printf("  loaded orders up to %d (%.2f GiB)%n", to, gib(shopBytes(primary)));
            }
        }
    }

    /** Data and index bytes of shop, from fresh statistics. */
    private static long shopBytes(MariaDbServer server) throws SQLException {
        try (Connection c = socket(server); Statement s = c.createStatement()) {
            s.execute("ANALYZE TABLE shop.customers, shop.products, shop.orders, shop.order_items");
            try (ResultSet r = s.executeQuery("SELECT SUM(data_length + index_length) FROM information_schema.tables"
                    + " WHERE table_schema = 'shop'")) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** The guides' way: a consistent dump of the shop, gzip-compressed. */
    private static Path dump(MariaDbServer primary, Path home) throws Exception {
        Path sql = home.resolve("shop.sql");
        run(List.of("mariadb-dump", "--no-defaults", "--socket=" + primary.socket(), "--user=root", "--single-transaction", "--gtid",
                "--master-data=2", "--databases", "shop", "--result-file=" + sql));
        Files.deleteIfExists(home.resolve("shop.sql.gz"));
        run(List.of("gzip", sql.toString()));
        return home.resolve("shop.sql.gz");
    }

    /** A fresh server, the dump unzipped and fed to the client: what the reload costs from nothing. */
    private static void reload(MariaDbServer fresh, Path dump, Path into) throws Exception {
        fresh.start();
        Path sql = into.resolve("shop.sql");
        run(BoundedProcess.Request.of(List.of("gzip", "-dc", dump.toString()), LONG).writingTo(sql));
        run(BoundedProcess.Request.of(List.of("mariadb", "--no-defaults", "--socket=" + fresh.socket(), "--user=root"), LONG).readingFrom(sql));
        Files.delete(sql);
    }

    private static void writeOrders(MariaDbServer primary, long firstId, int count) throws SQLException {
        try (Connection c = socket(primary);
                PreparedStatement o = c.prepareStatement("INSERT INTO shop.orders VALUES (?, ?, NOW(), 'new', ?, MD5(?))");
                PreparedStatement i = c.prepareStatement("INSERT INTO shop.order_items VALUES (?, ?, ?, 1, ?)")) {
            for (long id = firstId; id < firstId + count; id++) {
                c.setAutoCommit(false);
                o.setLong(1, id);
                o.setLong(2, 1 + id % CUSTOMERS);
                o.setLong(3, id % 1000);
                o.setLong(4, id);
                o.executeUpdate();
                for (int line = 1; line <= 3; line++) {
                    i.setLong(1, id);
                    i.setInt(2, line);
                    i.setLong(3, 1 + (id + line) % PRODUCTS);
                    i.setLong(4, line * 3);
                    i.executeUpdate();
                }
                c.commit();
            }
        }
    }

    /** Row counts and CHECKSUM TABLE of the shop's tables. */
    private record Figures(Map<String, Long> rows, Map<String, Long> checksums) {
        static final String NOTHING_LOST = "nothing (every row and checksum equal)";
        private static final List<String> TABLES = List.of("customers", "products", "orders", "order_items");

        static Figures of(MariaDbServer server) throws SQLException {
            try (Connection c = socket(server)) {
                return of(c);
            }
        }

        static Figures of(Connection c) throws SQLException {
            Map<String, Long> rows = new LinkedHashMap<>();
            Map<String, Long> sums = new LinkedHashMap<>();
            try (Statement s = c.createStatement()) {
                for (String t : TABLES) {
                    try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM shop." + t)) {
                        r.next();
                        rows.put(t, r.getLong(1));
                    } catch (SQLException gone) {
                        rows.put(t, -1L);
                        continue;
                    }
                    try (ResultSet r = s.executeQuery("CHECKSUM TABLE shop." + t)) {
                        r.next();
                        sums.put(t, r.getLong(2));
                    }
                }
            }
            return new Figures(rows, sums);
        }

        String lossAgainst(Figures want) {
            List<String> lost = new ArrayList<>();
            for (String t : TABLES) {
                long have = rows.get(t);
                long wanted = want.rows.get(t);
                if (have < 0) lost.add(t + ": the table (" + wanted + " rows)");
                else if (have < wanted) lost.add(t + ": " + (wanted - have) + " rows");
                else if (have > wanted) lost.add(t + ": +" + (have - wanted) + " rows from after it");
                else if (!checksums.get(t).equals(want.checksums.get(t))) lost.add(t + ": checksum differs");
            }
            return lost.isEmpty() ? NOTHING_LOST : String.join(", ", lost);
        }
    }

    private static Connection socket(MariaDbServer server) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + server.socket() + "&socketTimeout=7200000", "root", "");
    }

    private static void vakt(String... args) {
        var cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute(args);
        if (code != 0) throw new IllegalStateException("vakt " + String.join(" ", args) + " failed (exit " + code + "): " + out);
    }

    private static void run(List<String> argv) throws Exception {
        run(BoundedProcess.Request.of(argv, LONG));
    }

    private static void run(BoundedProcess.Request request) throws Exception {
        BoundedProcess.Result r = BoundedProcess.run(request);
        if (!(r instanceof BoundedProcess.Finished f) || f.exitCode() != 0) {
            throw new IllegalStateException(request.argv().get(0) + " failed: " + r);
        }
    }

    private static long treeBytes(Path root) throws Exception {
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static double gib(long bytes) {
        return bytes / (1024.0 * 1024 * 1024);
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return String.format(Locale.ROOT, "%s %s %s", f[0], f[1], f[2]);
        } catch (Exception e) {
            return "unknown";
        }
    }
}
