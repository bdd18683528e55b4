package no.vakt.traffic;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
final class Rfc2136Provider extends AddressRecordProvider {
    private final Rfc2136Entry entry;
    private final Name zone;
    private final DnsAuthority primary;

    private Rfc2136Provider(Rfc2136Entry entry, AddressTargets targets, DnsAuthority primary, Visibility visibility,
            int zoneNsPort) {
        super("rfc2136", entry.record(), targets, primary.server().toString(), visibility, zoneNsPort);
        this.entry = entry;
        this.zone = DnsNames.parse(entry.zone(), "zone");
        this.primary = primary;
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
        return pointsAt(a.values(), a.ttlSeconds());
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
    @Override
    List<DnsAuthority> authorities() throws TrafficException {
        return authorities(primary, entry.nameservers(), entry.verifyZoneNs(), entry.timeout());
    }

    /** The zone's NS, with the addresses the update server gives for them (never the system resolver). */
    @Override
    ZoneNameServers.Found zoneNameServers(List<HostPort> known) throws TrafficException {
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
