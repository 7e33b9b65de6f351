// Loaded in <head> without defer, before the first paint: the layout JavaScript will use, so nothing
// jumps when site.js runs. A file rather than an inline script: the Content-Security-Policy allows
// scripts from this site only.
document.documentElement.className = "js";
