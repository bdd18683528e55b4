package no.vakt.traffic;

/**
 * Points the application's database traffic at a node (DNS, proxy, load balancer: later). Called by
 * the failover's HANDOVER step only after the new primary proved it takes writes.
 */
public interface TrafficSwitch {
    /**
     * Routes writes for {@code cluster} to {@code node}. {@code epoch} is the fencing token of the new
     * primary; an implementation that can store it (a DNS TXT record, a proxy tag) should, so a stale
     * request can be told apart. Throws when the switch did not happen.
     */
    void routeTo(String cluster, String node, long epoch) throws Exception;
}
