package no.vakt.lab;

import java.util.Map;
import no.vakt.config.Role;

/** The lab's two sites, configured as the seeds configure a primary and a standby. */
public enum LabSite {
    OSLO("oslo", "oslo-db", Role.PRIMARY, 1, "127.0.10.1"),
    BERGEN("bergen", "bergen-db", Role.STANDBY, 2, "127.0.20.1");

    private final String siteName;
    private final String nodeName;
    private final Role role;
    private final int serverId;
    private final String defaultAddress;

    LabSite(String siteName, String nodeName, Role role, int serverId, String defaultAddress) {
        this.siteName = siteName;
        this.nodeName = nodeName;
        this.role = role;
        this.serverId = serverId;
        this.defaultAddress = defaultAddress;
    }

    public String siteName() {
        return siteName;
    }

    public String nodeName() {
        return nodeName;
    }

    public Role role() {
        return role;
    }

    public int serverId() {
        return serverId;
    }

    public String defaultAddress() {
        return defaultAddress;
    }

    /** The site's my.cnf options: read-only whatever its role ({@link SiteProfile#node}); replicate opens the primary. */
    public Map<String, String> profile() {
        return SiteProfile.node(serverId);
    }
}
