package no.vakt.check;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.lab.LabConfigTemplate;

/** Hand-made observations of a healthy pair, for the pure rule tests to break one thing at a time. */
final class States {
    static final String PRIMARY_HOST = "10.0.1.10";
    static final String STANDBY_HOST = "10.0.2.10";

    private States() {}

    static VaktConfig config() {
        return config(t -> t);
    }

    static VaktConfig config(UnaryOperator<String> edit) {
        String yaml = new LabConfigTemplate("unit", PRIMARY_HOST, 3306, STANDBY_HOST, 3306, "vakt",
                Path.of("/etc/vakt/admin.password"), "repl", Path.of("/etc/vakt/repl.password"), List.of("shop"),
                "manual", null, false, "10.0.0.1").render()
                // A healthy setup also tells people: one alert channel, and the dashboard link for manual mode.
                .replace("alerts: []\n", "alerts:\n  approve-url: https://vakt.example.no/\n  channels:\n"
                        + "    - {type: command, program: /usr/bin/logger}\n");
        return ConfigLoader.parse(Path.of("/etc/vakt/vakt.yml"), edit.apply(yaml));
    }

    static Map<String, String> serverVariables(int serverId, boolean readOnly) {
        Map<String, String> v = new HashMap<>();
        v.put("server_id", Integer.toString(serverId));
        v.put("version", "10.11.19-MariaDB");
        v.put("log_bin", "ON");
        v.put("log_slave_updates", "ON");
        v.put("binlog_format", "ROW");
        v.put("sync_binlog", "1");
        v.put("innodb_flush_log_at_trx_commit", "1");
        v.put("read_only", readOnly ? "ON" : "OFF");
        v.put("gtid_strict_mode", "ON");
        v.put("skip_name_resolve", "ON");
        v.put("innodb_buffer_pool_dump_at_shutdown", "ON");
        v.put("innodb_buffer_pool_load_at_startup", "ON");
        v.put("innodb_buffer_pool_size", Long.toString(8L << 30));
        v.put("innodb_buffer_pool_dump_pct", "100");
        v.put("rpl_semi_sync_master_enabled", "OFF");
        v.put("rpl_semi_sync_slave_enabled", "OFF");
        v.put("replicate_do_db", "");
        v.put("gtid_binlog_pos", "0-1-100");
        v.put("gtid_binlog_state", "0-1-100");
        v.put("gtid_current_pos", "0-1-100");
        v.put("gtid_slave_pos", serverId == 1 ? "" : "0-1-100");
        return v;
    }

    static ReplicaStatus replica() {
        return new ReplicaStatus(PRIMARY_HOST, 3306, "Yes", "Yes", 0L, 0, "", 0, "", true, "Slave_Pos", Map.of());
    }

    /** Builds a node state from the healthy one with some changes. */
    static final class Node {
        final Map<String, String> vars;
        Optional<ReplicaStatus> replica;
        Long heartbeatLagMs;
        Map<String, String> binlogFilters = Map.of();
        Map<String, String> semi = new HashMap<>(Map.of("rpl_semi_sync_master_status", "OFF"));
        private final boolean primary;

        Node(boolean primary) {
            this.primary = primary;
            this.vars = serverVariables(primary ? 1 : 2, !primary);
            this.replica = primary ? Optional.empty() : Optional.of(replica());
            this.heartbeatLagMs = primary ? 100L : 150L;
        }

        Node set(String variable, String value) {
            vars.put(variable, value);
            return this;
        }

        NodeState build(VaktConfig config) {
            return build(primary ? config.primary() : config.standby());
        }

        /** As {@code node}, whatever its role: field says (a pair whose live roles are the other way round). */
        NodeState build(no.vakt.config.Node node) {
            return new NodeState(node, true, null, vars, replica, heartbeatLagMs, binlogFilters, semi);
        }
    }

    static Node primary() {
        return new Node(true);
    }

    static Node standby() {
        return new Node(false);
    }

    static Observations observations(VaktConfig config, Node primary, Node standby) {
        return observations(config, primary.build(config), standby.build(config));
    }

    static Observations observations(VaktConfig config, NodeState primary, NodeState standby) {
        return new Observations(primary, standby, List.of("10.0.0.1"), List.of("10.0.0.1"),
                CanaryResult.arrived(12, java.time.Duration.ofSeconds(5)), List.of());
    }

    /**
     * A healthy pair whose live roles are the other way round from the config's role: fields (after a failover and
     * vakt rejoin, or a vakt switchover): the configured standby is the live primary, and the configured primary
     * replicates from it.
     */
    static Observations reversed(VaktConfig config) {
        return livePair(config, config.standby(), config.primary());
    }

    /** A healthy pair with {@code livePrimary} writable and {@code liveStandby} replicating from it. */
    static Observations livePair(VaktConfig config, no.vakt.config.Node livePrimary, no.vakt.config.Node liveStandby) {
        Node follower = standby();
        follower.replica = Optional.of(new ReplicaStatus(livePrimary.mysql().host(), livePrimary.mysql().port(), "Yes",
                "Yes", 0L, 0, "", 0, "", true, "Slave_Pos", Map.of()));
        return observations(config, primary().build(livePrimary), follower.build(liveStandby));
    }

    static Observations healthy(VaktConfig config) {
        return observations(config, primary(), standby());
    }
}
