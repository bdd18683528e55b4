package no.vakt.coordination;

final class Epochs {
    private Epochs() {}

    static void requireGrowth(long expected, long next) {
        if (next <= expected) {
            throw new IllegalArgumentException("an epoch only grows: " + expected + " -> " + next);
        }
    }
}
