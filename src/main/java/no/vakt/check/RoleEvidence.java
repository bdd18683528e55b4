package no.vakt.check;

/**
 * What the probe knew, beyond the two node states, when it settled which node is the live primary
 * ({@link no.vakt.roles.LiveRoles#settle}): only needed when the servers alone cannot tell (both
 * writable, or neither).
 *
 * @param primaryEpoch the cluster epoch in {@code vakt.cluster} on the node judged as primary; null when none or not read
 * @param standbyEpoch the same on the other node
 * @param journalHolder the node the journal last promoted; null without a journal or without promotions
 */
public record RoleEvidence(Long primaryEpoch, Long standbyEpoch, String journalHolder) {
    /** Nothing beyond the states (hand-made observations). */
    public static final RoleEvidence NONE = new RoleEvidence(null, null, null);
}
