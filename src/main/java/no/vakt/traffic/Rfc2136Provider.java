package no.vakt.traffic;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.vakt.cluster.HostPort;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Repoints one A/AAAA record with a TSIG-signed dynamic update. Reads before it writes: a record
 * that already holds the target (with the configured TTL) gets no update at all, so re-running after a
 * timeout that may or may not have reached the server is safe.
 *
 * <p>Verified on the update server, the configured {@code nameservers:} and (unless
 * {@code verify-zone-ns: false}) every NS of the zone, resolved through the update server itself
 * ({@link ZoneNameServers}); an NS that does not resolve there is left out with a note.
 */
final class Rfc2136Provider implements TrafficProvider {
    private final Rfc2136Entry entry;
    private final Name zone;
    private final Name record;
    private final AddressTargets targets;
    private final DnsAuthority primary;
    private final Visibility visibility;
    private final String describe;
    /** The port the zone's other name servers are asked on: 53 (an NS record names no port); tests use their own. */
    private final int zoneNsPort;
    private volatile List<String> notes = List.of();

    private Rfc2136Provider(Rfc2136Entry entry, AddressTargets targets, DnsAuthority primary, Visibility visibility,
            int zoneNsPort) {
        this.zoneNsPort = zoneNsPort;
        this.entry = entry;
        this.zone = DnsNames.parse(entry.zone(), "zone");
        this.record = DnsNames.parse(entry.record(), "record");
        this.targets = targets;
        this.primary = primary;
        this.visibility = visibility;
        this.describe = "rfc2136 " + entry.record() + " " + Type.string(targets.recordType()) + " @" + primary.server();
    }

    static Rfc2136Provider open(Rfc2136Entry entry, VaktConfig config, Clock clock, Sleeper sleeper) throws TrafficException {
        return open(entry, config, clock, sleeper, 53);
    }

    /** @param zoneNsPort where the zone's name servers (other than the configured ones) are asked; 53 but in tests */
    static Rfc2136Provider open(Rfc2136Entry entry, VaktConfig config, Clock clock, Sleeper sleeper, int zoneNsPort)
            throws TrafficException {
        String name = "rfc2136 " + entry.record();
        AddressTargets targets = AddressTargets.of(entry.targets(), config, name);
        TsigKey.Loaded key = TsigKey.load(entry.keySecret(), entry.keyName(), entry.keyAlgorithm(), name);
        DnsAuthority primary = new DnsAuthority(HostPort.parse(entry.server(), 53), key.signer(),
                key.identity().toString(), entry.timeout());
        return new Rfc2136Provider(entry, targets, primary, new Visibility(clock, sleeper), zoneNsPort);
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public ApplyOutcome apply(String node, long epoch) throws TrafficException {
        InetAddress target = targets.addressOf(node, describe);
        DnsAuthority.Answer current = existing();
        if (current.values().stream().map(AddressTargets::normalise).toList().equals(List.of(target.getHostAddress()))
                && current.ttlSeconds() != null && current.ttlSeconds() == entry.ttl().getSeconds()) {
            return ApplyOutcome.UNCHANGED;
        }
        Update update = new Update(zone);
        // Prerequisite: the name exists. A typo in the config must not create a new record somewhere.
        update.present(record);
        try {
            update.replace(record, targets.recordType(), entry.ttl().getSeconds(), target.getHostAddress());
        } catch (IOException e) {
            throw new TrafficException(describe + ": cannot build the update: " + e.getMessage(), false, e);
        }
        Message response = primary.send(update, "update " + entry.record());
        if (response.getRcode() == Rcode.NXDOMAIN) throw missingRecord();
        if (response.getRcode() != Rcode.NOERROR) throw primary.failure("update " + entry.record(), response);
        return ApplyOutcome.CHANGED;
    }

    @Override
    public PointsAt show() throws TrafficException {
        DnsAuthority.Answer a = existing();
        return new PointsAt(a.values(), targets.nodeFor(a.values()), a.ttlSeconds());
    }

    @Override
    public Duration verify(String node, Duration bound) throws TrafficException {
        InetAddress target = targets.addressOf(node, describe);
        notes = List.of();
        return visibility.await(authorities(), record, targets.recordType(), List.of(target.getHostAddress()), bound, describe);
    }

    @Override
    public List<String> verifyNotes() {
        return notes;
    }

    @Override
    public void checkAccess() throws TrafficException {
        // A signed SOA query: the server must know the key (else NOTAUTH/BADKEY or BADSIG) and serve the zone.
        primary.serial(zone);
        existing();
    }

    /** The record as the primary server holds it; a missing one is a configuration error, not a retry. */
    private DnsAuthority.Answer existing() throws TrafficException {
        DnsAuthority.Answer a = primary.query(record, targets.recordType());
        if (a.rcode() == Rcode.NXDOMAIN) throw missingRecord();
        if (a.values().isEmpty()) {
            throw new TrafficException(describe + ": " + entry.record() + " has no " + Type.string(targets.recordType())
                    + " record on " + primary.server() + "; Vakt repoints an existing record: create it once", false);
        }
        return a;
    }

    private TrafficException missingRecord() {
        return new TrafficException(describe + ": " + entry.record() + " does not exist in zone " + entry.zone() + " on "
                + primary.server() + "; Vakt repoints an existing record: create it once (check zone: and record:)", false);
    }

    /** The primary, the configured nameservers and, with verify-zone-ns, every NS of the zone. */
    private List<DnsAuthority> authorities() throws TrafficException {
        Set<HostPort> servers = new LinkedHashSet<>();
        for (String n : entry.nameservers()) servers.add(HostPort.parse(n, 53));
        if (entry.verifyZoneNs()) {
            List<HostPort> known = new ArrayList<>(servers);
            known.add(0, primary.server());
            ZoneNameServers.Found found = zoneNameServers(known);
            servers.addAll(found.servers());
            notes = found.notes();
        }
        servers.remove(primary.server());
        List<DnsAuthority> out = new ArrayList<>();
        out.add(primary);
        // Secondaries may not know the key: they are asked unsigned.
        for (HostPort s : servers) out.add(new DnsAuthority(s, null, "", entry.timeout()));
        return out;
    }

    /** The zone's NS, with the addresses the update server gives for them (never the system resolver). */
    private ZoneNameServers.Found zoneNameServers(List<HostPort> known) throws TrafficException {
        Message response = primary.send(Message.newQuery(Record.newRecord(zone, Type.NS, org.xbill.DNS.DClass.IN)),
                "query " + zone + " NS");
        if (response.getRcode() != Rcode.NOERROR) throw primary.failure("query " + zone + " NS", response);
        List<Name> names = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof NSRecord ns) names.add(ns.getTarget());
        }
        // Glue: the addresses the server sent along with the NS answer.
        Map<Name, List<String>> given = new HashMap<>();
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.A || r.getType() == Type.AAAA) {
                given.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r.rdataToString());
            }
        }
        return ZoneNameServers.resolve(names, given, primary::addresses, known, zoneNsPort, primary.server().toString());
    }
}
