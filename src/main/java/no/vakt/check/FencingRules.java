package no.vakt.check;

import java.nio.file.Path;
import java.util.List;
import no.vakt.config.FailoverMode;
import no.vakt.config.Policy;
import no.vakt.config.VaktConfig;

/**
 * Whether a failover can fence an old primary that does not answer. SQL fencing (read_only, killed sessions,
 * the door fence) cannot reach a frozen or partitioned server, and when it resumes it answers the clients
 * queued on it before any fence's statement lands: only a fence command (STONITH) closes that window.
 */
final class FencingRules {
    private FencingRules() {}

    static List<Finding> fenceCommand(VaktConfig config, Observations o) {
        Policy p = config.policy();
        if (!p.fenceCommand().isEmpty()) {
            // The program's name only: its arguments may carry credentials of a power switch.
            String program = Path.of(p.fenceCommand().get(0)).getFileName().toString();
            return List.of(Finding.ok("fence-command", null, "an unreachable old primary is fenced by " + program
                    + " (timeout " + p.fenceCommandTimeout().toSeconds() + "s) before the standby is promoted"));
        }
        String message = "no fence command: an old primary that is frozen (SIGSTOP, a stalled VM) or cut off when the"
                + " failover runs is fenced over SQL only, and can take writes for a few milliseconds when it resumes";
        String fix = "set policy.fence-command to a STONITH program (power the host off through IPMI, the hypervisor"
                + " or the cloud API; docs/failover.md)";
        if (p.failover() == FailoverMode.AUTOMATIC) return List.of(Finding.warning("fence-command", null, message, fix));
        // A person promotes: they can power the old primary off first. Not a problem of the config, so OK.
        return List.of(Finding.ok("fence-command", null, "failover is " + p.failover().label() + ": when the old primary"
                + " does not answer, power it off before vakt promote (or set policy.fence-command)"));
    }
}
