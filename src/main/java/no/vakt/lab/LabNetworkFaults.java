package no.vakt.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import no.vakt.config.FaultKind;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.drill.DefaultFaults;
import no.vakt.drill.Fault;

/** The network faults of a lab brought up with {@code --netns}: its config file sits in the lab's directory. */
public final class LabNetworkFaults implements DefaultFaults.NetworkFaults {
    private final LabNetns netns;

    LabNetworkFaults(LabNetns netns) {
        this.netns = netns;
    }

    /** The lab's namespaces when {@code configFile} is a --netns lab's config and they exist here (as root). */
    public static Optional<DefaultFaults.NetworkFaults> forConfig(Path configFile) {
        Path dir = configFile.toAbsolutePath().getParent();
        if (dir == null || LabNetns.unavailableReason().isPresent()) return Optional.empty();
        LabLayout layout = new LabLayout(dir);
        try {
            Optional<LabSettings> settings = LabSettings.read(layout.settingsFile());
            if (settings.isEmpty() || !settings.get().netns()) return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        LabNetns n = LabNetns.of(layout);
        return n.exists() ? Optional.of(new LabNetworkFaults(n)) : Optional.empty();
    }

    @Override
    public boolean covers(Node node) {
        return netns.siteAt(node.mysql().host()).isPresent();
    }

    @Override
    public Fault create(FaultKind kind, VaktConfig config, Node primary) {
        LabSite site = netns.siteAt(primary.mysql().host()).orElseThrow();
        return new NetnsFault(kind, netns, site, primary.mysql().port());
    }
}
