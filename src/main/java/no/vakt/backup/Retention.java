package no.vakt.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.BackupConfig;

/** Which base backups retention lets go: all but the newest {@code keep}, unless younger than {@code days}. Pure. */
public final class Retention {
    private Retention() {}

    /** @param backups oldest first, as {@link Manifest#all} lists them */
    public static List<Manifest> expired(List<Manifest> backups, BackupConfig.Retention rule, Instant now) {
        List<Manifest> out = new ArrayList<>();
        Instant youngLimit = now.minus(Duration.ofDays(rule.days()));
        int keptByCount = Math.min(rule.keep(), backups.size());
        for (Manifest m : backups.subList(0, backups.size() - keptByCount)) {
            if (m.finishedAt().isBefore(youngLimit)) out.add(m);
        }
        return out;
    }
}
