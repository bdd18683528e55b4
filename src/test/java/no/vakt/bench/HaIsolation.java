package no.vakt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import no.vakt.config.ConfigLoader;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.Sql;
import no.vakt.lab.LabSite;

/**
 * bench/ha: the whole oslo site isolated (database, agent, ZooKeeper server) through a non-oslo leader, then back.
 * The drill runs without its own rejoin; once oslo's namespace is reconnected the bench checks, for a while, that
 * oslo's agent sees the higher epoch and that oslo-db stays fenced: read_only, a write through an application-like
 * account refused, its epoch row still the old one. Then {@code vakt rejoin} and a switchover put the lab back.
 */
final class HaIsolation {
    private static final String PROBE_USER = "vakt_hb_probe";
    private static final String PROBE_TABLE = "vakt.hb_probe";
    private static final Duration WATCH = Duration.ofSeconds(20);
    private final HaBench b;
    private final String oslo = LabSite.OSLO.siteName();

    HaIsolation(HaBench b) {
        this.b = b;
    }

    void run() throws Exception {
        // The failover is read from the journal of the agent that makes it: make sure that is not oslo's.
        if (b.agents.awaitLeader(Duration.ofSeconds(10)).orElse("").equals(oslo)) {
            b.agents.agent(oslo).stop();
            HaBench.await(Duration.ofSeconds(20), () -> b.agents.leader().filter(l -> !l.equals(oslo)).isPresent());
            b.agents.startAgent(oslo);
        }
        String leader = b.agents.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        String password = probeAccount();
        long epochBefore = HaZooKeeper.epoch(b.agents);
        Optional<JsonNode> r = b.drill("isolate", leader, "isolate-primary", false);
        long back = System.nanoTime();
        long epochAfter = HaZooKeeper.epoch(b.agents);
        b.out.printf("isolate the whole oslo site (database, agent, ZooKeeper) via %s's agent: %s; ZooKeeper epoch %d -> %d%n",
                leader, HaBench.describe(r), epochBefore, epochAfter);
        boolean connected = HaBench.await(Duration.ofSeconds(30), () -> b.agents.coordination(oslo)
                .map(c -> c.path("session").asText().endsWith("CONNECTED")).orElse(false));
        long connectedMs = HaBench.ms(back);
        Checks c = watch(password, epochAfter);
        b.out.printf("  oslo back: its agent's session connected %s after the drill; over %d s (%d samples) oslo-db read_only"
                + " %d/%d, probe writes refused %d/%d (accepted %d), its epoch row %s (the cluster's %d); oslo's agent saw"
                + " epoch %s; %s%n", connected ? connectedMs + " ms" : "NEVER", WATCH.toSeconds(), c.samples, c.readOnly,
                c.samples, c.refused, c.samples, c.accepted, c.epochRows, epochAfter, c.agentEpochs, b.roles());
        b.out.printf("  oslo's agent log on the epoch: %s%n", b.agentLogLines(oslo, "behind the cluster epoch", 2));
        Optional<String> now = b.agents.awaitLeader(Duration.ofSeconds(10));
        String via = now.orElse(LabSite.BERGEN.siteName());
        int rejoin = b.vakt("rejoin-oslo", "rejoin", "--config", b.agents.configFile(via).toString(), "--journal",
                b.agents.journal(via).toString(), LabSite.OSLO.nodeName(), "--discard-errant");
        b.out.printf("  vakt rejoin oslo-db: %s; oslo-db's epoch row %s; %s%n", rejoin == 0 ? "rejoined" : "FAILED (exit " + rejoin + ")",
                epochRow(), b.roles());
        HaBench.await(Duration.ofSeconds(3), () -> false); // the cooldown
        int sw = b.vakt("switch-back", "switchover", "--config", b.agents.configFile(via).toString(), "--journal",
                b.agents.journal(via).toString());
        b.out.printf("  switched back: %s; %s%n", sw == 0 ? "yes" : "NO (exit " + sw + ")", b.roles());
    }

    private record Checks(int samples, int readOnly, int refused, int accepted, String epochRows, String agentEpochs) {}

    /** Samples oslo-db and oslo's agent once a second for {@link #WATCH}. */
    private Checks watch(String password, long clusterEpoch) throws InterruptedException {
        int samples = 0;
        int readOnly = 0;
        int refused = 0;
        int accepted = 0;
        java.util.Set<String> rows = new java.util.TreeSet<>();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        long end = System.nanoTime() + WATCH.toNanos();
        while (System.nanoTime() < end) {
            samples++;
            String ro = variable("read_only");
            if ("1".equals(ro) || "ON".equals(ro)) readOnly++;
            rows.add(epochRow());
            switch (probeWrite(password)) {
                case 1 -> accepted++;
                case 0 -> refused++;
                default -> { } // not reachable: neither
            }
            b.agents.coordination(oslo).ifPresent(c -> seen.add(c.path("epoch").asText()));
            Thread.sleep(1000);
        }
        return new Checks(samples, readOnly, refused, accepted, rows.toString(), seen.toString());
    }

    /** 1 accepted, 0 refused as read-only (1290), -1 anything else (unreachable, other errors). */
    private int probeWrite(String password) {
        String url = "jdbc:mariadb://" + b.netns.address(LabSite.OSLO) + ":3306/?connectTimeout=2000&socketTimeout=2000";
        try (Connection c = DriverManager.getConnection(url, PROBE_USER, password)) {
            c.createStatement().executeUpdate("INSERT INTO " + PROBE_TABLE + " (at) VALUES (NOW(6))");
            return 1;
        } catch (SQLException e) {
            return e.getErrorCode() == 1290 ? 0 : -1;
        }
    }

    private String variable(String name) {
        try (DbSession db = admin()) {
            return db.scalar("SELECT @@" + name).orElse("?");
        } catch (SQLException e) {
            return "?";
        }
    }

    private String epochRow() {
        try (DbSession db = admin()) {
            return db.scalar("SELECT epoch FROM vakt.cluster WHERE id = 1").orElse("none");
        } catch (SQLException e) {
            return "unreadable";
        }
    }

    private DbSession admin() throws SQLException {
        VaktConfig cfg = ConfigLoader.load(b.config());
        Node n = cfg.node(LabSite.OSLO.nodeName()).orElseThrow();
        return new NodeInspector(Duration.ofSeconds(2)).open(n);
    }

    /**
     * An application-like account (INSERT on one table, no admin rights: read_only stops it) made on oslo-db while it is
     * the primary, so it replicates; the password lives in this process only.
     */
    private String probeAccount() throws SQLException {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try (DbSession db = admin()) {
            db.execute("CREATE TABLE IF NOT EXISTS " + PROBE_TABLE + " (seq BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME(6))");
            String current = db.scalar("SELECT CURRENT_USER()").orElseThrow();
            String account = Sql.account(PROBE_USER, current.substring(current.lastIndexOf('@') + 1));
            db.execute("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + Sql.literal(password));
            db.execute("ALTER USER " + account + " IDENTIFIED BY " + Sql.literal(password));
            db.execute("GRANT INSERT, SELECT ON " + PROBE_TABLE + " TO " + account);
        }
        if (probeWrite(password) != 1) throw new IllegalStateException("the probe account cannot write to oslo-db before the drill");
        return password;
    }
}
