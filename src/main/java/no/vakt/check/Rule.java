package no.vakt.check;

import java.util.List;
import no.vakt.config.VaktConfig;

/** One preflight check: pure, over the config and what the probe saw. Skips what it cannot judge. */
@FunctionalInterface
public interface Rule {
    List<Finding> apply(VaktConfig config, Observations observations);
}
