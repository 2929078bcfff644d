package io.changelake.bench;

/** A measured rate: {@code count} items in {@code seconds}; {@code detail} says what was counted on the way. */
record Rate(long count, double seconds, String detail) {
  double perSecond() {
    return count / seconds;
  }
}
