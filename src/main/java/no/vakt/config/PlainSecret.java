package no.vakt.config;

/**
 * Marks that a secret was written inline ({@code password: ...}). The value itself is discarded at
 * parse time so it can never be printed; the validator turns the marker into an error.
 */
public enum PlainSecret {
    GIVEN
}
