// The tags field of a ticket's page: the browser suggests the workspace's tags for the
// tag being typed (after the last comma), not for the whole field. Without JavaScript it
// suggests them for the first tag only.
(function () {
  'use strict';

  var field = document.querySelector('input[name=tags][list]');
  var list = field && document.getElementById(field.getAttribute('list'));
  if (!list) {
    return;
  }
  var names = Array.prototype.map.call(list.options, function (option) { return option.value; });
  field.addEventListener('input', function () {
    var cut = field.value.lastIndexOf(',');
    var before = cut < 0 ? '' : field.value.slice(0, cut + 1) + ' ';
    var typed = field.value.slice(cut + 1).trim().toLowerCase();
    var taken = field.value.toLowerCase().split(',').map(function (tag) { return tag.trim(); });
    list.textContent = '';
    names.forEach(function (name) {
      if (name.indexOf(typed) === 0 && taken.indexOf(name) === -1) {
        var option = document.createElement('option');
        option.value = before + name;
        list.appendChild(option);
      }
    });
  });
})();
