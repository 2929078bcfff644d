package io.changelake.engine.transform;

/** The binary arithmetic operators. */
enum ArithmeticOp {
  ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/"), MODULO("%");

  private final String symbol;

  ArithmeticOp(String symbol) {
    this.symbol = symbol;
  }

  String symbol() {
    return symbol;
  }
}
