package no.vakt.journal;

/**
 * What a caller knows when a failover begins.
 *
 * @param mode failover mode label
 * @param trigger what asked for it
 * @param epoch the epoch the new primary will get
 */
public record NewFailover(String cluster, String fromNode, String toNode, String mode, String trigger, long epoch) {}
