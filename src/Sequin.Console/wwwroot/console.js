// Live figures without a reload: the console's pages mark each live value with data-figure inside an element with
// data-sink (or data-database); /console/live sends every second the current texts as server-sent events.
(function () {
  // A button with data-confirm (a bulk discard) asks first.
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[data-confirm]') : null;
    if (button && !window.confirm(button.getAttribute('data-confirm'))) { event.preventDefault(); }
  });
  if (!window.EventSource || !document.querySelector('[data-sink],[data-database]')) { return; }
  var url = '/console/live';
  var active = document.querySelector('#backfills button[value^="backfill-cancel"]');
  if (active) { url += '?sink=' + encodeURIComponent(active.closest('[data-sink]').getAttribute('data-sink')); }
  var source = new EventSource(url);
  source.onmessage = function (event) {
    var live = JSON.parse(event.data);
    apply(live.sinks, 'data-sink');
    apply(live.databases, 'data-database');
    document.documentElement.setAttribute('data-live-updated', String(live.at));
  };
  function apply(items, attribute) {
    document.querySelectorAll('[' + attribute + ']').forEach(function (scope) {
      var figures = items[scope.getAttribute(attribute)];
      if (!figures) { return; }
      scope.querySelectorAll('[data-figure]').forEach(function (element) {
        var name = element.getAttribute('data-figure');
        if (!(name in figures)) { return; }
        if (element.textContent !== figures[name]) { element.textContent = figures[name]; }
        if (element.hasAttribute('data-class-prefix')) {
          element.className = element.getAttribute('data-class-prefix') + ' ' + figures[name];
        }
        if (name === 'health' && ('health-reason' in figures)) { element.title = figures['health-reason']; }
      });
    });
  }
})();
