(function(){
  function first(el,attr){var v=el.getAttribute(attr);return v?v.split(' ')[0]:null;}
  function all(id){return document.querySelectorAll('[data-p~="'+id+'"]');}
  function flash(id){all(id).forEach(function(e){e.classList.remove('flash');void e.offsetWidth;e.classList.add('flash');});}
  document.addEventListener('click',function(ev){
    var el=ev.target.closest('[data-target]');if(!el)return;
    var id=first(el,'data-target'),t=id&&document.getElementById(id);if(!t)return;
    ev.preventDefault();
    t.scrollIntoView({behavior:'smooth',block:'center'});
    flash(id);
    if(history.replaceState)history.replaceState(null,'','#'+id);
  });
  var lit=[];
  document.addEventListener('mouseover',function(ev){
    var el=ev.target.closest('[data-p]');
    lit.forEach(function(e){e.classList.remove('lit');});lit=[];
    if(!el)return;
    [first(el,'data-p'),first(el,'data-target')].forEach(function(id){
      if(id)all(id).forEach(function(e){if(e.tagName==='MARK'){e.classList.add('lit');lit.push(e);}});
    });
  });
})();
