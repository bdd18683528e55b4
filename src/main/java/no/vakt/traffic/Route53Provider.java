package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.cluster.Sleeper;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeBatch;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Points a Route 53 record set at a node with one UPSERT that keeps the record's TTL; skips the write
 * when the record already holds the value. Verification waits for the change to reach INSYNC (Route 53
 * says every one of its authoritative servers has it) and reads the record back. Querying Route 53's
 * name servers directly needs the public internet, which Vakt's tests cannot use.
 */
final class Route53Provider extends PolledProvider<Route53Entry> {
    // INSYNC usually comes within 60 s; Route 53 allows five API requests a second per account, so a
    // read every 2 s leaves room for everything else using the account.
    private static final Duration POLL = Duration.ofSeconds(2);

    private final Route53Client client;
    private final String fqdn;
    /** The last change this provider submitted, and the node it was for: verify waits for it. */
    private volatile Submitted lastChange;

    Route53Provider(Route53Entry entry, EntryTargets targets, Route53Client client, Clock clock, Sleeper pause) {
        super(entry, targets, POLL, clock, pause);
        this.client = client;
        this.fqdn = entry.record() + ".";
    }

    @Override
    public String describe() {
        return "route53 " + entry.record() + " " + entry.recordType();
    }

    @Override
    public ApplyOutcome apply(String node, long epoch) throws TrafficException {
        String wanted = targets.valueFor(node);
        ResourceRecordSet current = recordSet();
        if (holdsOnly(current, wanted)) return ApplyOutcome.UNCHANGED;
        ResourceRecordSet next = ResourceRecordSet.builder()
                .name(current.name())
                .type(current.type())
                .ttl(current.ttl())
                .resourceRecords(ResourceRecord.builder().value(wanted).build())
                .build();
        ChangeBatch batch = ChangeBatch.builder()
                .comment("vakt: route to " + node + " (epoch " + epoch + ")")
                .changes(Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(next).build())
                .build();
        ChangeInfo info = call("change " + entry.record(),
                () -> client.changeResourceRecordSets(r -> r.hostedZoneId(entry.hostedZoneId()).changeBatch(batch)).changeInfo());
        lastChange = new Submitted(info.id(), node);
        return ApplyOutcome.CHANGED;
    }

    @Override
    public PointsAt show() throws TrafficException {
        ResourceRecordSet rs = recordSet();
        List<String> values = values(rs);
        return new PointsAt(values, targets.nodeFor(values, (a, b) -> RecordValues.same(entry.recordType(), a, b)), rs.ttl());
    }

    @Override
    public Duration verify(String node, Duration bound) throws TrafficException {
        String wanted = targets.valueFor(node);
        Submitted submitted = lastChange;
        String changeId = submitted != null && submitted.node().equals(node) ? submitted.changeId() : null;
        boolean[] insync = {changeId == null};
        return poll.await(describe(), bound, () -> {
            if (!insync[0]) {
                ChangeStatus status = call("read change " + changeId, () -> client.getChange(r -> r.id(changeId)).changeInfo().status());
                if (status != ChangeStatus.INSYNC) return false;
                insync[0] = true;
            }
            return holdsOnly(recordSet(), wanted);
        });
    }

    @Override
    public void checkAccess() throws TrafficException {
        call("read hosted zone", () -> client.getHostedZone(r -> r.id(entry.hostedZoneId())));
        recordSet();
    }

    private boolean holdsOnly(ResourceRecordSet rs, String wanted) {
        List<String> values = values(rs);
        return values.size() == 1 && RecordValues.same(entry.recordType(), values.get(0), wanted);
    }

    private static List<String> values(ResourceRecordSet rs) {
        return rs.resourceRecords().stream().map(ResourceRecord::value).toList();
    }

    /** The one record set of this name and type; alias and routing-policy sets are refused (not ours to flip). */
    private ResourceRecordSet recordSet() throws TrafficException {
        // ListResourceRecordSets starts at the given name and type in the zone's order; the first set
        // returned is ours only if name and type match exactly.
        List<ResourceRecordSet> sets = call("read " + entry.record(), () -> client.listResourceRecordSets(r -> r
                        .hostedZoneId(entry.hostedZoneId())
                        .startRecordName(fqdn)
                        .startRecordType(RRType.fromValue(entry.recordType()))
                        .maxItems("2"))
                .resourceRecordSets());
        List<ResourceRecordSet> ours = sets.stream()
                .filter(s -> EntryChecks.dnsName(s.name()).equals(entry.record()) && entry.recordType().equals(s.typeAsString()))
                .toList();
        String where = "route53 zone " + entry.hostedZoneId() + ": ";
        if (ours.isEmpty()) {
            throw new TrafficException(where + "no " + entry.recordType() + " record " + entry.record()
                    + "; create it once by hand, Vakt only changes where it points", false);
        }
        ResourceRecordSet rs = ours.get(0);
        if (rs.aliasTarget() != null || rs.setIdentifier() != null || ours.size() > 1) {
            throw new TrafficException(where + entry.record() + " " + entry.recordType()
                    + " is an alias or uses a routing policy (set identifier); Vakt switches plain record sets only", false);
        }
        return rs;
    }

    private <T> T call(String what, SdkCall<T> call) throws TrafficException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw Route53Errors.translate("route53 zone " + entry.hostedZoneId() + ": " + what, entry.hostedZoneId(), e);
        }
    }

    @FunctionalInterface
    private interface SdkCall<T> {
        T run();
    }

    private record Submitted(String changeId, String node) {}
}
