package io.herald.criteria;

/** A search or criteria expression Herald cannot evaluate; the message names the parameter and why. */
public final class CriteriaException extends IllegalArgumentException {

  private final String parameter;
  private final String reason;

  public CriteriaException(String parameter, String reason) {
    super("Search parameter '" + parameter + "': " + reason);
    this.parameter = parameter;
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  public String parameter() {
    return parameter;
  }
}
