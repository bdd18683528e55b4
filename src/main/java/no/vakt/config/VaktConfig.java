package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One protected application: its objectives, policy, sites and replication. The sections
 * {@code files}, {@code traffic}, {@code alerts}, {@code server} and {@code drills} are kept as raw
 * trees until their features define them. {@code coordination} is null without that section.
 */
public record VaktConfig(
        String cluster,
        Boolean production,
        Objectives objectives,
        Policy policy,
        List<Site> sites,
        Replication replication,
        FilesConfig files,
        List<TrafficEntryConfig> traffic,
        AlertsConfig alerts,
        ServerConfig server,
        DrillsConfig drills,
        CoordinationConfig coordination,
        WarmupConfig warmup,
        BackupConfig backup) {

    public VaktConfig {
        production = production != null && production;
        objectives = objectives != null ? objectives : Objectives.DEFAULT;
        policy = policy != null ? policy : Policy.DEFAULT;
        sites = sites != null ? List.copyOf(sites) : List.of();
        traffic = traffic != null ? List.copyOf(traffic) : List.of();
        files = files != null ? files : FilesConfig.NONE;
        alerts = alerts != null ? alerts : AlertsConfig.NONE;
        server = server != null ? server : ServerConfig.DEFAULT;
        drills = drills != null ? drills : DrillsConfig.NONE;
        warmup = warmup != null ? warmup : WarmupConfig.DEFAULT;
        backup = backup != null ? backup : BackupConfig.NONE;
        if (coordination != null && cluster != null) coordination = coordination.withDefaultChroot(cluster);
    }

    /** The {@code coordination:} section; empty without one (a single monitor with local authority). */
    @JsonIgnore
    public Optional<CoordinationConfig> coordinationSection() {
        return Optional.ofNullable(coordination);
    }

    @JsonIgnore
    public List<Node> nodes() {
        return sites.stream().flatMap(s -> s.nodes().stream()).toList();
    }

    /** The node configured as primary (validation guarantees exactly one). */
    @JsonIgnore
    public Node primary() {
        return withRole(Role.PRIMARY).findFirst().orElseThrow();
    }

    /** The node configured as standby (validation guarantees exactly one). */
    @JsonIgnore
    public Node standby() {
        return withRole(Role.STANDBY).findFirst().orElseThrow();
    }

    public Optional<Node> node(String name) {
        return nodes().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public Site siteOf(Node node) {
        return sites.stream().filter(s -> s.nodes().contains(node)).findFirst().orElseThrow();
    }

    public String countryOf(Node node) {
        return node.country() != null ? node.country() : siteOf(node).country();
    }

    public String zoneOf(Node node) {
        return node.zone() != null ? node.zone() : siteOf(node).zone();
    }

    /** The other node of the pair. */
    public Node peerOf(Node node) {
        return nodes().stream().filter(n -> !n.equals(node)).findFirst().orElseThrow();
    }

    private Stream<Node> withRole(Role role) {
        return nodes().stream().filter(n -> n.role() == role);
    }
}
