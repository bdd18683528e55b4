package no.vakt.traffic;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import no.vakt.cluster.HostPort;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * What the DNS providers that repoint one A/AAAA record share: the record's targets, and its verification
 * on every authority (the configured name servers and, with {@code verify-zone-ns}, every NS of the zone,
 * which a provider finds its own way), with the notes on what could not be verified.
 */
abstract class AddressRecordProvider implements TrafficProvider {
    final AddressTargets targets;
    final Name record;
    final String describe;
    private final Visibility visibility;
    /** The port the zone's other name servers are asked on: 53 (an NS record names no port); tests use their own. */
    final int zoneNsPort;
    private volatile List<String> notes = List.of();

    AddressRecordProvider(String type, String record, AddressTargets targets, String where, Visibility visibility,
            int zoneNsPort) {
        this.targets = targets;
        this.record = DnsNames.parse(record, "record");
        this.describe = type + " " + record + " " + Type.string(targets.recordType()) + " @" + where;
        this.visibility = visibility;
        this.zoneNsPort = zoneNsPort;
    }

    @Override
    public final String describe() {
        return describe;
    }

    @Override
    public final Duration verify(String node, Duration bound) throws TrafficException {
        InetAddress target = targets.addressOf(node, describe);
        notes = List.of();
        return visibility.await(authorities(), record, targets.recordType(), List.of(target.getHostAddress()), bound, describe);
    }

    @Override
    public final List<String> verifyNotes() {
        return notes;
    }

    /** Where the record is verified. */
    abstract List<DnsAuthority> authorities() throws TrafficException;

    /** The zone's name servers, found from {@code known} (the authorities asked already, in order). */
    abstract ZoneNameServers.Found zoneNameServers(List<HostPort> known) throws TrafficException;

    /**
     * {@code first} (the update server, asked signed; null for none), then the configured {@code nameservers} and,
     * with {@code zoneNs}, every NS of the zone, each once and asked unsigned: secondaries may not know the key.
     */
    final List<DnsAuthority> authorities(DnsAuthority first, List<String> nameservers, boolean zoneNs, Duration timeout)
            throws TrafficException {
        Set<HostPort> servers = new LinkedHashSet<>();
        if (first != null) servers.add(first.server());
        for (String n : nameservers) servers.add(HostPort.parse(n, 53));
        if (zoneNs) {
            ZoneNameServers.Found found = zoneNameServers(List.copyOf(servers));
            servers.addAll(found.servers());
            notes = found.notes();
        }
        List<DnsAuthority> out = new ArrayList<>();
        if (first != null) {
            out.add(first);
            servers.remove(first.server());
        }
        for (HostPort s : servers) out.add(new DnsAuthority(s, null, "", timeout));
        return out;
    }

    /** Where the record points, as {@code show()} tells it. */
    final PointsAt pointsAt(List<String> values, Long ttlSeconds) {
        return new PointsAt(values, targets.nodeFor(values), ttlSeconds);
    }
}
