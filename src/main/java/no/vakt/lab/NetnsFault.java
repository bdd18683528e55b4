package no.vakt.lab;

import java.util.List;
import no.vakt.config.FaultKind;
import no.vakt.drill.Fault;

/**
 * block-ports, isolate-primary and partition-monitor: iptables DROP rules in the primary site's
 * namespace (its drill chains). Removing the fault flushes the chains, which is idempotent.
 */
final class NetnsFault implements Fault {
    private final FaultKind kind;
    private final LabNetns netns;
    private final LabSite site;
    private final List<List<String>> in;
    private final List<List<String>> out;
    private final String description;

    NetnsFault(FaultKind kind, LabNetns netns, LabSite site, int dbPort) {
        this.kind = kind;
        this.netns = netns;
        this.site = site;
        String ns = netns.namespace(site);
        String veth = netns.siteVeth(site);
        switch (kind) {
            case BLOCK_PORTS -> {
                List<String> ports = List.of(Integer.toString(dbPort), Integer.toString(LabNetns.WEB_PORT), "443");
                in = ports.stream().map(p -> List.of("-p", "tcp", "--dport", p, "-j", "DROP")).toList();
                out = ports.stream().map(p -> List.of("-p", "tcp", "--sport", p, "-j", "DROP")).toList();
                description = "iptables DROP of tcp ports " + String.join(", ", ports) + " (database, web) in and out of "
                        + ns + " (" + netns.address(site) + ")";
            }
            case ISOLATE_PRIMARY -> {
                in = List.of(List.of("-i", veth, "-j", "DROP"));
                out = List.of(List.of("-o", veth, "-j", "DROP"));
                description = "iptables DROP of everything in and out of " + ns + " (" + netns.address(site) + ") on " + veth;
            }
            case PARTITION_MONITOR -> {
                in = List.of(List.of("-s", netns.monitorAddress(), "-j", "DROP"));
                out = List.of(List.of("-d", netns.monitorAddress(), "-j", "DROP"));
                description = "iptables DROP between the monitor's address " + netns.monitorAddress() + " and " + ns + " ("
                        + netns.address(site) + "); the standby and the load (" + netns.loadAddress() + ") still reach it";
            }
            default -> throw new IllegalArgumentException(kind.label() + " is not a network fault");
        }
    }

    @Override
    public FaultKind kind() {
        return kind;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void inject() throws Exception {
        netns.addRules(site, in, out);
    }

    @Override
    public String remove() throws Exception {
        netns.clearRules(site);
        return "removed the drill's iptables rules in " + netns.namespace(site);
    }
}
