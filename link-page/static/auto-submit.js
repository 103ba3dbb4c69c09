// Submits the form marked data-auto-submit once the page has loaded; without JavaScript the person presses its button.
document.querySelector('form[data-auto-submit]')?.submit();
