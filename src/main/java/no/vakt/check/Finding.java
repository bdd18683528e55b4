package no.vakt.check;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One result of the preflight. {@code id} is stable per check, so scripts and alerts can match on it;
 * {@code node} is the configured node name, null when the finding is about the pair or the config.
 * "Primary" and "standby" below are the live roles, read from the servers ({@code live-roles}), never the
 * config's {@code role:} fields.
 * {@code fix} says exactly what to do; null when there is nothing to do.
 *
 * <table>
 * <caption>Finding ids</caption>
 * <tr><th>id</th><th>severities</th><th>checks</th></tr>
 * <tr><td>jurisdiction</td><td>OK, ERROR</td><td>the node's (and the backup repository's) country is inside policy.jurisdictions</td></tr>
 * <tr><td>backup-tool</td><td>OK, ERROR</td><td>with a backup: section, mariadb-backup is installed and the server's version</td></tr>
 * <tr><td>backup-repository</td><td>OK, ERROR</td><td>with a backup: section, the repository takes a probe file (written, read back, removed)</td></tr>
 * <tr><td>secret-unreadable</td><td>ERROR</td><td>a password file or variable can be read</td></tr>
 * <tr><td>secret-permissions</td><td>WARNING</td><td>a password file is not readable by group/others</td></tr>
 * <tr><td>reachable</td><td>OK, ERROR</td><td>Vakt can log in to the node (the error says why not)</td></tr>
 * <tr><td>live-roles</td><td>OK, INFO, ERROR</td><td>which node is the live primary (INFO: the config's role: fields
 * are the wrong way round, Vakt uses the live roles, or the servers cannot tell; ERROR: both writable, or neither)</td></tr>
 * <tr><td>server-id</td><td>OK, ERROR</td><td>server_id is set and differs between the nodes</td></tr>
 * <tr><td>log-bin</td><td>OK, ERROR</td><td>the primary writes a binary log</td></tr>
 * <tr><td>standby-log-bin</td><td>OK, ERROR</td><td>the standby writes a binary log (needed for the way back)</td></tr>
 * <tr><td>log-slave-updates</td><td>WARNING</td><td>the standby logs replicated transactions too</td></tr>
 * <tr><td>binlog-format</td><td>OK, WARNING, ERROR</td><td>binlog_format is ROW</td></tr>
 * <tr><td>sync-binlog</td><td>OK, WARNING, ERROR</td><td>sync_binlog=1 (ERROR on the primary, WARNING on the standby)</td></tr>
 * <tr><td>innodb-flush-log-at-trx-commit</td><td>OK, WARNING, ERROR</td><td>innodb_flush_log_at_trx_commit=1</td></tr>
 * <tr><td>transactional-tables</td><td>OK, WARNING</td><td>every table of the replicated databases is InnoDB</td></tr>
 * <tr><td>standby-read-only</td><td>OK, ERROR</td><td>read_only is ON on the standby</td></tr>
 * <tr><td>primary-read-only</td><td>WARNING</td><td>read_only is ON on the primary (it takes no writes)</td></tr>
 * <tr><td>gtid-strict-mode</td><td>WARNING</td><td>gtid_strict_mode is ON</td></tr>
 * <tr><td>skip-name-resolve</td><td>WARNING</td><td>skip_name_resolve is ON (no reverse DNS at login)</td></tr>
 * <tr><td>replica-configured</td><td>OK, ERROR</td><td>the standby has a replication channel</td></tr>
 * <tr><td>replica-source</td><td>WARNING</td><td>the channel points at the live primary</td></tr>
 * <tr><td>replica-using-gtid</td><td>WARNING</td><td>the channel uses GTID positions</td></tr>
 * <tr><td>replica-io-thread</td><td>OK, ERROR</td><td>Slave_IO_Running, with the last IO error</td></tr>
 * <tr><td>replica-sql-thread</td><td>OK, ERROR</td><td>Slave_SQL_Running, with the last SQL error</td></tr>
 * <tr><td>primary-replicates</td><td>WARNING</td><td>the primary replicates from someone (circular replication)</td></tr>
 * <tr><td>gtid-errant</td><td>OK, ERROR</td><td>the standby has no GTIDs the primary lacks; both positions</td></tr>
 * <tr><td>replication-lag</td><td>OK, INFO, ERROR</td><td>heartbeat lag within the RPO (Seconds_Behind_Master shown)</td></tr>
 * <tr><td>heartbeat</td><td>WARNING</td><td>heartbeat rows exist and are being written</td></tr>
 * <tr><td>replication-tls</td><td>OK, WARNING, ERROR</td><td>the channel uses TLS (ERROR when the config requires it, or
 * when it is plaintext nobody chose while the pair spans sites or zones, as admin-tls; WARNING when chosen (enabled: false)
 * or inside one site and zone; OK on loopback)</td></tr>
 * <tr><td>admin-tls</td><td>OK, WARNING, ERROR</td><td>Vakt's own connection to the node is encrypted and verified (ERROR: plaintext nobody chose while the pair spans sites or zones, or TLS failing)</td></tr>
 * <tr><td>replication-user</td><td>OK, WARNING, ERROR</td><td>the replication account exists on the primary for the standby</td></tr>
 * <tr><td>replication-user-wildcard</td><td>WARNING, ERROR</td><td>no account host '%' (ERROR) or other wildcard (WARNING)</td></tr>
 * <tr><td>replication-user-standby</td><td>OK, WARNING</td><td>the account exists on the standby for the primary (way back)</td></tr>
 * <tr><td>read-only-bypass</td><td>OK, INFO, WARNING</td><td>no application account can write while read_only=ON
 * (READ ONLY ADMIN on MariaDB 10.11, SUPER before; the fence locks them); INFO names root's accounts</td></tr>
 * <tr><td>binlog-filter</td><td>WARNING, ERROR</td><td>binlog_do_db / binlog_ignore_db and what they leave out</td></tr>
 * <tr><td>replication-filter</td><td>WARNING, ERROR</td><td>replicate_* filters and what they leave out</td></tr>
 * <tr><td>semi-sync</td><td>OK, WARNING</td><td>with replication.semi-sync: enabled on both and not fallen back</td></tr>
 * <tr><td>dashboard-exposure</td><td>OK, INFO, WARNING</td><td>the dashboard is local, or served with TLS (server section)</td></tr>
 * <tr><td>canary</td><td>OK, INFO, WARNING, ERROR</td><td>a row written on the live primary arrives on the standby in time (INFO: not written, e.g. no single live primary)</td></tr>
 * <tr><td>traffic-access</td><td>OK, ERROR</td><td>each traffic entry's credentials pass a read-only call (record readable)</td></tr>
 * <tr><td>traffic-target</td><td>OK, INFO, WARNING</td><td>each traffic entry points at the live primary (INFO: no single live primary to compare with)</td></tr>
 * <tr><td>traffic-ttl</td><td>OK, WARNING, ERROR</td><td>live TTL at most max-ttl (ERROR); TTL + detection within the RTO (WARNING)</td></tr>
 * <tr><td>files-rsync</td><td>OK, ERROR</td><td>rsync is installed here and on the file sync target</td></tr>
 * <tr><td>files-ssh</td><td>OK, ERROR</td><td>the target accepts the configured ssh key (BatchMode, host key checked)</td></tr>
 * <tr><td>files-directory</td><td>OK, ERROR</td><td>each source directory exists (and is a mount point when required)</td></tr>
 * <tr><td>files-target-directory</td><td>OK, WARNING</td><td>each target directory exists on the target</td></tr>
 * <tr><td>files-names</td><td>OK, WARNING</td><td>file names are valid UTF-8 (the receiver's encoding)</td></tr>
 * <tr><td>alert-channels</td><td>OK, WARNING</td><td>alerts: has at least one channel (WARNING: none)</td></tr>
 * <tr><td>alert-email-tls</td><td>WARNING</td><td>an email channel with a password requires STARTTLS</td></tr>
 * <tr><td>alert-webhook-tls</td><td>WARNING</td><td>a webhook to another host uses https</td></tr>
 * <tr><td>alert-approve-url</td><td>INFO</td><td>manual mode without alerts.approve-url (no dashboard link)</td></tr>
 * </table>
 */
@JsonPropertyOrder({"id", "severity", "node", "message", "fix"})
public record Finding(String id, Severity severity, String node, String message, String fix) {
    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (fix != null && fix.isBlank()) fix = null;
    }

    public static Finding ok(String id, String node, String message) {
        return new Finding(id, Severity.OK, node, message, null);
    }

    public static Finding info(String id, String node, String message) {
        return new Finding(id, Severity.INFO, node, message, null);
    }

    public static Finding warning(String id, String node, String message, String fix) {
        return new Finding(id, Severity.WARNING, node, message, fix);
    }

    public static Finding error(String id, String node, String message, String fix) {
        return new Finding(id, Severity.ERROR, node, message, fix);
    }
}
