package io.herald.criteria;

/** A search or criteria expression Herald cannot evaluate; the message names the parameter and why. */
public final class CriteriaException extends IllegalArgumentException {

  private final String parameter;

  public CriteriaException(String parameter, String reason) {
    super("Search parameter '" + parameter + "': " + reason);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
