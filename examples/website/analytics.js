// Stands in for the Google tag in the demo: it runs only once the visitor accepts analytics (the page
// keeps it as type="text/plain" until then) and sets the two Google Analytics cookies the CRMS register
// declares (_ga and _ga_<container-id>), so that withdrawing consent can be seen to remove them.
window.__analyticsRan = true;
document.cookie = "_ga=GA1.1.123; Path=/; Max-Age=63072000; SameSite=Lax";
document.cookie = "_ga_DEMO42=GS1.1.1; Path=/; Max-Age=63072000; SameSite=Lax";
