"""Pure business rules over plain values: no clock, no database, no network."""
