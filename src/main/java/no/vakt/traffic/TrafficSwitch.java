package no.vakt.traffic;

/**
 * Points the application's database traffic at a node (DNS records, load balancers, a command). Called
 * by the failover's HANDOVER step only after the new primary proved it takes writes, and by a switchover,
 * {@code vakt traffic apply} and the dashboard's apply. A failure never undoes a promotion: the caller
 * records traffic as pending and goes on.
 */
public interface TrafficSwitch {
    /**
     * Routes writes for {@code cluster} to {@code node}. {@code epoch} is the fencing token of the new
     * primary; an implementation that can store it (a DNS TXT record, a proxy tag) should, so a stale
     * request can be told apart. Safe to repeat (an entry that already points at the node is left alone).
     * Throws when the switch did not happen everywhere; an implementation that alerts does so before it
     * throws, so callers do not alert the failure again.
     */
    void routeTo(String cluster, String node, long epoch) throws Exception;
}
