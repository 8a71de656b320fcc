// Importing a filter's module installs its fluent method on OutputThing.prototype.
export {};
