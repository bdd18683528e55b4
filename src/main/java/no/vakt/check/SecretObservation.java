package no.vakt.check;

import no.vakt.config.SecretRef;

/**
 * What the probe found about one configured secret (the value itself is never kept).
 *
 * @param purpose what the secret is for, e.g. "MySQL password of oslo-db"
 * @param node the node it belongs to, null for the replication password
 * @param unreadable why it cannot be read, null when it can
 * @param permissionProblem from {@link SecretRef#permissionProblem()}, null when none
 */
public record SecretObservation(String purpose, String node, SecretRef ref, String unreadable, String permissionProblem) {}
