package no.vakt.traffic;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import org.xbill.DNS.Type;

/**
 * Which address a DNS record holds for each node: the entry's {@code targets}, else the node's MySQL
 * host when that is an IP literal (a host name is never looked up: which address the record gets must
 * not depend on this machine's resolver).
 */
final class AddressTargets {
    private final Map<String, InetAddress> byNode;
    private final int recordType;

    private AddressTargets(Map<String, InetAddress> byNode, int recordType) {
        this.byNode = byNode;
        this.recordType = recordType;
    }

    /** Checks an entry's explicit targets when the config is read: each one an IP literal, one family. */
    static void requireLiterals(Map<String, String> targets) {
        Boolean v4 = null;
        for (Map.Entry<String, String> t : targets.entrySet()) {
            Optional<InetAddress> a = IpLiteral.parse(t.getValue());
            if (a.isEmpty()) {
                throw new IllegalArgumentException("targets." + t.getKey() + ": expected an IPv4 or IPv6 address; got '"
                        + t.getValue() + "'");
            }
            if (v4 != null && v4 != IpLiteral.isV4(a.get())) {
                throw new IllegalArgumentException("targets: expected all IPv4 (an A record) or all IPv6 (AAAA), not both");
            }
            v4 = IpLiteral.isV4(a.get());
        }
    }

    static AddressTargets of(Map<String, String> targets, VaktConfig config, String entry) throws TrafficException {
        Map<String, InetAddress> byNode = new LinkedHashMap<>();
        for (Node node : config.nodes()) {
            String text = targets.get(node.name());
            Optional<InetAddress> address = IpLiteral.parse(text != null ? text : node.mysql().host());
            address.ifPresent(a -> byNode.put(node.name(), a));
        }
        if (byNode.isEmpty()) {
            throw new TrafficException(entry + ": no node has an address to point at; give targets: {NODE: ADDRESS}"
                    + " (the default, the node's mysql host, is a host name)", false);
        }
        long v4 = byNode.values().stream().filter(IpLiteral::isV4).count();
        if (v4 != 0 && v4 != byNode.size()) {
            throw new TrafficException(entry + ": the nodes' addresses mix IPv4 and IPv6; give targets of one family", false);
        }
        List<String> distinct = byNode.values().stream().map(InetAddress::getHostAddress).distinct().toList();
        if (distinct.size() != byNode.size()) {
            throw new TrafficException(entry + ": two nodes would get the same address " + byNode
                    + "; give distinct targets: {NODE: ADDRESS}", false);
        }
        return new AddressTargets(byNode, v4 == 0 ? Type.AAAA : Type.A);
    }

    /** {@link Type#A} or {@link Type#AAAA}. */
    int recordType() {
        return recordType;
    }

    InetAddress addressOf(String node, String entry) throws TrafficException {
        InetAddress a = byNode.get(node);
        if (a == null) {
            throw new TrafficException(entry + ": no address for node '" + node + "'; known: " + byNode.keySet()
                    + " (add it to targets)", false);
        }
        return a;
    }

    /** The node whose address is exactly {@code values}, or null. */
    String nodeFor(List<String> values) {
        if (values.size() != 1) return null;
        for (Map.Entry<String, InetAddress> e : byNode.entrySet()) {
            if (e.getValue().getHostAddress().equals(normalise(values.get(0)))) return e.getKey();
        }
        return null;
    }

    static String normalise(String address) {
        return IpLiteral.parse(address).map(InetAddress::getHostAddress).orElse(address);
    }
}
