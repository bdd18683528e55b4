package no.vakt.maintenance;

/**
 * Who pauses or resumes, as journaled.
 *
 * @param name the OS user, or for an API call the name the client gave (else "api") and its address
 * @param tokenRole the token that authorised an API call ({@code admin}); null for a direct journal write
 */
public record Actor(String name, String tokenRole) {
    public Actor {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("an actor needs a name");
    }

    /** The OS user running this process ({@code vakt pause} without a daemon). */
    public static Actor osUser() {
        String user = System.getProperty("user.name");
        return new Actor(user == null || user.isBlank() ? "unknown user" : user, null);
    }

    /** An API caller: the name it gave (its OS user, from {@code vakt pause}) at its address. */
    public static Actor api(String claimedName, String clientAddress, String tokenRole) {
        String who = claimedName == null || claimedName.isBlank() ? "api" : claimedName.strip();
        return new Actor(who + " from " + clientAddress, tokenRole);
    }
}
