export { GovernedTool, governTools, type GovernOptions, type GovernedToolFields } from './governed-tool.js'
