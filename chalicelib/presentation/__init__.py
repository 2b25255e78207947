"""Pure presentation: turns domain views into the HTML that citizens and inspectors see."""
